"""Short rewrites (issue 11, item 5): heavy rewrites of a paragraph or two are `rewrite`, two
independent short reports of one event are not.

    python benchmarks/short_rewrites.py [--data ../shared/data] [--features]

Positives: the short rewrites of tests/test_short_rewrites.py and those below (written for this
benchmark: sentences merged, reordered and re-worded). Negatives: the leads (first 60, 110 and 160
words, whole sentences) of the SemEval-2022 Task 8 English pairs (most are reports of one event by
two outlets) and of 150 seeded same-topic WikiRef220 pairs. Each pair is analysed alone
(``storytrace.analyze`` on the two texts); prints the share judged `rewrite` per set, and with
``--features`` the evidence of judge/restated.py per pair (what its thresholds were set on).
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "scripts")]

WRITTEN = [
    ("The museum of Lisle will close for eighteen months from January so that its roof can be replaced, the director Anne Moreau announced on Friday. The building, which opened in 1887, has suffered repeated leaks that damaged two paintings last winter. During the closure, about 300 works will be lent to museums in Lyon and Geneva. The renovation will cost 12 million euros, two thirds of it paid by the region.",
     "Two paintings were damaged by leaks last winter, and now the 1887 building of the Lisle museum is to get a new roof: it shuts in January for a year and a half, director Anne Moreau said on Friday. Museums in Lyon and Geneva will borrow some 300 of its works meanwhile. The region is covering two thirds of the 12 million euro bill."),
    ("Photosynthesis is the process by which green plants use sunlight to turn water and carbon dioxide into glucose. It takes place mainly in the chloroplasts of leaf cells, which contain the pigment chlorophyll. Oxygen is released as a by-product. The glucose is used by the plant for energy and to build cellulose.",
     "Green plants make glucose out of carbon dioxide and water with the energy of sunlight, a process called photosynthesis, which releases oxygen along the way. Most of it happens inside chloroplasts, the chlorophyll-containing parts of leaf cells, and the sugar it produces fuels the plant and becomes cellulose."),
    ("A fire broke out at a textile factory in the industrial zone of Brenna early on Wednesday, injuring four workers. Firefighters needed five hours to bring the blaze under control. The cause is not yet known, police said, but an electrical fault is suspected. The factory employs 150 people and will remain closed this week.",
     "Police suspect an electrical fault caused Wednesday morning's blaze at a Brenna textile plant, though the cause has not been confirmed. Four workers were hurt, and it took firefighters five hours to control the flames. The plant, which has 150 staff, stays shut for the rest of the week."),
    ("The national weather service issued a red warning for the coast of Valmora on Thursday as Storm Ilse approached with gusts of up to 150 km/h. Schools in six districts will stay closed on Friday, and ferry services to the islands have been suspended. Residents were told to secure loose objects and to avoid travelling unless necessary. The storm is expected to weaken as it moves inland on Saturday.",
     "Ferries to the islands are cancelled and schools across six districts will not open on Friday after forecasters put Valmora's coastline under a red alert on Thursday. Storm Ilse is bringing winds gusting to 150 km/h, though it should lose strength once it heads inland at the weekend. People are urged to tie down anything loose and to stay off the roads if they can."),
    ("Shares in the carmaker Norvik fell 9% on Monday after the company cut its sales forecast for the year, blaming a shortage of batteries. Chief executive Lars Holm said deliveries in the third quarter would be about 40,000 vehicles, down from the 55,000 it had promised. The company also postponed the opening of its new plant in Hungary until 2026. Analysts said the warning raised doubts about Norvik's plans to double production.",
     "Norvik lowered its annual sales outlook on Monday and pushed back its Hungarian factory to 2026, citing scarce batteries, and investors sent the stock down 9%. Only around 40,000 cars will reach customers in the third quarter instead of the 55,000 pledged, chief executive Lars Holm said, prompting analysts to question whether the carmaker can really double its output."),
    ("Mount Kelu erupted on Sunday morning, sending a column of ash five kilometres into the sky. Authorities raised the alert to its highest level and ordered 12,000 people living within eight kilometres of the crater to leave. Flights at the nearby airport were cancelled. No casualties have been reported.",
     "Some 12,000 residents within eight kilometres of Mount Kelu's crater have been told to evacuate after the volcano erupted on Sunday and blasted ash five kilometres high, prompting officials to declare the top alert level. The local airport has cancelled its flights; so far there are no reports of anyone hurt."),
    ("The human heart has four chambers: two upper atria and two lower ventricles. The right side of the heart pumps blood to the lungs, where it picks up oxygen. The left side then pumps the oxygen-rich blood through the aorta to the rest of the body. Valves between the chambers keep the blood flowing in one direction.",
     "Oxygen-rich blood leaves the left side of the heart through the aorta and travels to the whole body, while the right side sends blood to the lungs to collect oxygen. The organ is divided into four chambers, the atria above and the ventricles below, and valves separating them make sure blood only moves one way."),
]


def lead(article, words: int) -> str:
    """The first whole sentences of title and body reaching ``words`` words."""
    from storytrace.text.segment import segment

    doc = segment(article)
    out, n = [], 0
    for i, s in enumerate(doc.sentences):
        out.append(doc.sentence_text(i))
        n += s.last_token - s.first_token
        if n >= words:
            break
    return " ".join(out)


def sets(data: Path) -> dict[str, list[tuple[str, str]]]:
    from calibrate_events import semeval, wikiref
    from test_short_rewrites import RESTRUCTURED, REWORDED

    articles, pairs = semeval(data)
    by_id = {a.id: a for a in articles}
    items = wikiref(data)
    same_topic = [(a, b) for (a, t), (b, u) in itertools.combinations(items, 2) if t == u]
    return {
        "rewrites (tests)": REWORDED + RESTRUCTURED,
        "rewrites (written here)": WRITTEN,
        "SemEval same-event leads": [(lead(by_id[x], n), lead(by_id[y], n)) for x, y, _ in pairs for n in (60, 110, 160)],
        "WikiRef same-topic leads": [(lead(a, 110), lead(b, 110)) for a, b in random.Random(1).sample(same_topic, 150)],
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--features", action="store_true", help="print judge/restated.py's evidence per pair")
    args = parser.parse_args(argv)
    import storytrace
    from storytrace.judge.restated import sentence_counterparts, shared_content, short_paragraphs
    from storytrace.model import Article
    from storytrace.text.prepared import prepare

    for name, pairs in sets(args.data).items():
        relations = []
        for a, b in pairs:
            result = storytrace.analyze([{"id": "a", "text": a}, {"id": "b", "text": b}], processes=1)
            relations.append(result["pairs"][0]["relation"] if result["pairs"] else None)
            if args.features:
                pa, pb = prepare([Article("a", a), Article("b", b)])
                print(f"    {relations[-1] or '-':<10} {name[:12]:<12} short {short_paragraphs(pa) and short_paragraphs(pb):d}"
                      f"  shared {shared_content(pa.doc, pb.doc):.3f}  counterparts {sentence_counterparts(pa, pb):.3f}"
                      f"  body {float(pa.body_vector @ pb.body_vector):.3f}  words {pa.word_count}/{pb.word_count}")
        counts = {r: relations.count(r) for r in sorted(set(relations), key=str)}
        print(f"{name:<28} {len(pairs):>4} pairs   rewrite {relations.count('rewrite') / len(pairs):.3f}   {counts}",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
