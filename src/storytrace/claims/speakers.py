"""Who said a quote, and one name per person across a story.

Attribution reads the words around the marks, in the forms news prose uses:
``“…,” X said`` / ``“…,” said X, the …`` / ``“…” he added`` (after the quote), ``X said: “…”`` /
``X told reporters “…”`` / ``According to X, “…”`` (before it), and for a fragment quoted inside a
sentence (``X said Ukraine is “gradually gaining ground”``) the subject of the sentence's verb of
saying; when the verb's own subject is missing ("Piers Williams shared the photo and wrote:"), the
person the clause opens with. A quote opening a sentence with no attribution continues the previous
quote's speaker when that quote is in the same or the previous paragraph, else is the person named
just before it (a feature quoting its subject). "he"/"she" stand for the last person named as
saying something, or as a sentence's subject, before the quote. A subject that is a description
("officials", "the statement", "Zelensky's office") gives no speaker. Which quotes are speech at all:
one opening its sentence, introduced by a colon or next to a verb of saying, a fragment of 3+ words
in a sentence with such a verb (not a term after "a"/"the"), or any quote of 8+ words not
title-cased (thresholds.py, "claims").

Names are made canonical per story: titles and roles are stripped ("NATO Secretary-General Jens
Stoltenberg" -> "Jens Stoltenberg"), a surname alone is joined to the full name written with it in
the story, and transliterations share one key (Zelenskyy / Zelensky / Zelenskiy).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .. import thresholds as T
from ..model import Span
from .quotes import RawQuote

PRONOUN = "\x00pronoun"  # a subject that is "he" or "she", resolved later


@lru_cache(maxsize=1)
def _words() -> dict:
    data = json.loads(resources.files("storytrace.data").joinpath("attribution.json").read_text("utf-8"))
    verbs = sorted(data["speech_verbs"], key=len, reverse=True)
    return {"verb_re": "(?:" + "|".join(re.escape(v) for v in verbs) + ")",
            "verbs": frozenset(data["speech_verbs"]),
            "titles": frozenset(data["titles"]),
            "pronouns": frozenset(data["pronouns"]),
            "organisations": frozenset(data["organisation_words"])}


# capitalised words that open sentences or clauses, never part of a name
_NOT_NAMES = frozenset("""the a an and but or so yet also meanwhile however then when while after before as
in on at of for from with by to this that these those his her its their our my your it he she they we i
there here today yesterday tomorrow monday tuesday wednesday thursday friday saturday sunday
according speaking asked earlier later instead still now another as taking following how what why where who
which""".split())  # (a name at a sentence's start is still found: these words only end or skip a run)
_PARTICLES = frozenset("de van von der den al el bin ibn la le da di du del dos das ter".split())
_DETERMINERS = frozenset("a an the so-called this that his her its their our called term word dubbed".split())
_WORD = re.compile(r"[^\W_](?:[\w’'.\-]*[^\W_])?\.?|[,:;()—–]")


@dataclass
class Attribution:
    quote: RawQuote
    speaker: str | None  # the name as written, titles stripped (canonical later); None when unknown
    speaker_quote: bool  # False for scare quotes and quoted terms ("a “crashed rocket”")


def _is_name_word(w: str) -> bool:
    return w[:1].isupper() and w.lower().rstrip(".") not in _NOT_NAMES


def name_run(words: list[str]) -> list[str]:
    """The run of name words at the end of ``words`` (titles included), particles allowed inside."""
    run: list[str] = []
    for w in reversed(words):
        if _is_name_word(w) or (run and w.lower() in _PARTICLES):
            run.append(w)
        else:
            break
    while run and run[-1].lower() in _PARTICLES:
        run.pop()
    return run[::-1]


def strip_titles(run: list[str]) -> list[str]:
    """A name without the titles and roles in front of it: what follows the last title word."""
    titles = _words()["titles"]
    last = -1
    for k, w in enumerate(run[:-1]):  # the last word is the name itself, even if it reads as a title
        if w.lower() in titles or w.lower().rstrip(".") in titles:
            last = k
    name = run[last + 1:]
    return [w[:-2] if w.endswith(("’s", "'s")) else w for w in name]


def _subject_before(words: list[str]) -> str | None:
    """The subject ending ``words`` (the words before a verb of saying): a name, a pronoun or None."""
    # "Malia is starting to ask:", "Zelensky has also said": the subject before the auxiliaries
    while words and words[-1].lower() in _AUXILIARIES:
        words = words[:-1]
    if words and words[-1] == ",":  # an apposition: "Jens Stoltenberg, NATO's chief, said"
        inner = [k for k, w in enumerate(words[:-1]) if w == ","]
        if inner:
            words = words[:inner[-1]]
    if not words:
        return None
    if words[-1].lower() in _words()["pronouns"]:
        return PRONOUN
    run = name_run(words)
    if run and len(words) > len(run) and words[-len(run) - 1].lower() in _PREPOSITIONS:
        return None  # "superintendent of Takhat Sri Harmandir Committee said": not the subject
    name = strip_titles(run)
    return " ".join(name) if name else None


_AUXILIARIES = frozenset("""also has had have then later once again is was are were will would could to started
starting begins began begin going continued continues went""".split())
# role words that are never a surname: a run ending in one names an office, not a person
_ROLES = frozenset("""minister president secretary secretary-general spokesman spokeswoman spokesperson chairman
chairwoman director governor mayor chief officer senator ambassador commander premier chancellor""".split())
_PREPOSITIONS = frozenset("of at for from in with by on to about".split())
_DESCRIBERS = frozenset("the a an one another some many several his her their its".split())


def _is_person(run: list[str], name: list[str], known_surnames: set[str] = frozenset()) -> bool:
    """A name that names a person: two words or more, a title before it, or a known surname; and
    none of its words an organisation's ("Party", "Committee"), a headline's capitals ("READ MORE")
    or a possessive ("Kurz's People's Party")."""
    if not name or name[-1].lower() in _ROLES:
        return False  # "Federal Minister": a role, no name
    orgs = _words()["organisations"]
    for w in name:
        if w.lower().strip(".") in orgs or (len(w) > 2 and w.isupper()) or w.endswith(("’s", "'s")):
            return False
    if any(w.endswith(("’s", "'s")) for w in run[:-1]):
        return False
    return len(name) >= 2 or len(run) > len(name) or name_key(name[-1]) in known_surnames


def _runs(words: list[str], first: int, last: int):
    """(start, end) of each run of name words starting in words[first:last]."""
    k = first
    while k < min(len(words), last):
        if not _is_name_word(words[k]):
            k += 1
            continue
        j = k
        while j < len(words) and (_is_name_word(words[j]) or (j > k and words[j].lower() in _PARTICLES)):
            j += 1
        yield k, j
        k = j


def _is_organisation(name: list[str]) -> bool:
    return len(name) >= 2 and name[-1].lower() in _words()["organisations"] and not (len(name[-1]) > 2 and name[-1].isupper())


def sentence_subject(words: list[str], organisations: bool = False) -> str | None:
    """The person a clause is about: the first name run among its first words that names a person
    ("Another devotee Mahinder Singh, who ... said", "Pope Francis apologized ..., declaring"), or
    after an opening phrase and its comma ("In a BBC interview, Malaysia Airlines chief executive
    Ahmad Jauhari Yahya defended ...", "The Prime Minister, Margaret Thatcher, supported ..."); "he"
    or "she" opening it gives PRONOUN. With ``organisations``, a named organisation is a subject too
    ("Malaysia Airlines ... said")."""
    if words and words[0].lower() in _words()["pronouns"]:
        return PRONOUN
    comma = next((k for k, w in enumerate(words[:8]) if w == ","), None)
    # the clause's first words ("However, Holmgren", "As Bernie Sanders"), then those after its
    # first comma
    windows = [(0, 3)] + ([(comma + 1, comma + 7)] if comma is not None else [])
    for first, last in windows:
        for k, j in _runs(words, first, last):
            run = words[k:j]
            name = strip_titles(run)
            # "The Ugly Betty actress": a name before a role noun qualifies it and is not the subject
            role_follows = j < len(words) and words[j].lower() in _words()["titles"]
            if role_follows:
                continue
            if _is_person(run, name) or (organisations and _is_organisation(name)):
                return " ".join(name)
    return None


def _described(words: list[str]) -> bool:
    """Whether the words before a verb end in a description ("the minister", "a senior official"):
    then the description is the subject, and no name is."""
    tail = [w.lower() for w in words[-4:]]
    return bool(words) and not _is_name_word(words[-1]) and any(w in _DESCRIBERS for w in tail)


def _subject_after(words: list[str]) -> str | None:
    """The subject following a verb of saying ("said Jens Stoltenberg, the ...", "added he")."""
    if words and words[0].lower() in _words()["pronouns"]:
        return PRONOUN
    run: list[str] = []
    for w in words:
        if _is_name_word(w) or (run and w.lower() in _PARTICLES):
            run.append(w)
        else:
            break
    name = strip_titles(run)
    # "said Premier League Chief Executive, Richard Scudamore", "said Interpol's head, Ronald Noble":
    # a role or a possessive first, the name after the comma
    if (not name or name[-1].lower() in _ROLES or name[-1].lower() in _words()["titles"]
            or (run and run[-1].endswith(("’s", "'s")))) and "," in words[:len(run) + 4]:
        after = words[words.index(",") + 1:]
        second = strip_titles(name_run(after[:next((k for k, w in enumerate(after) if not (
            _is_name_word(w) or w.lower() in _PARTICLES)), len(after))]))
        if second:
            return " ".join(second)
    return " ".join(name) if name else None


def _tokens(text: str) -> list[str]:
    """Words and clause punctuation; a final full stop is kept only on initials and abbreviations
    ("F.", "Adm."), not on the last word of a sentence ("said.")."""
    out = []
    for w in _WORD.findall(text):
        if w.endswith(".") and len(w) > 2 and w[:-1].lower() not in _words()["titles"] and "." not in w[:-1]:
            w = w[:-1]
        out.append(w)
    return out


def _verb_at(words: list[str], k: int) -> int:
    """Length of the verb of saying starting at words[k] (0 when none): one word or "pointed out"."""
    verbs = _words()["verbs"]
    w = words[k].lower()
    if k + 1 < len(words) and f"{w} {words[k + 1].lower()}" in verbs:
        return 2
    return 1 if w in verbs else 0


def _after_attribution(after: str) -> tuple[bool, str | None]:
    """(found, subject) from the words after the closing mark, up to the end of the sentence."""
    words = _tokens(after)
    # the sentence the quote ends: stop at a full stop that ends it
    lead = after.lstrip()
    if lead[:1] in ".!?":  # the quote closed a sentence after its marks: no attribution follows
        return False, None
    for k in range(min(len(words), T.ATTRIBUTION_WINDOW_WORDS)):
        if words[k].lower() == "according" and k + 1 < len(words) and words[k + 1].lower() == "to":
            return True, _subject_after(words[k + 2:])
        n = _verb_at(words, k)
        if not n:
            continue
        if k == 0 or words[k - 1] == ",":  # "…,” said Jens Stoltenberg"
            return True, _subject_after(words[k + n:])
        return True, _subject_before(words[:k])  # "…,” Stoltenberg said" / "…” he added"
    # a verb of saying further on in the sentence: attributed, to a subject too long to be a name
    # ("…,” a Greens representative with knowledge of the talks, who declined to be named, told AFP")
    sentence = re.split(r"(?<=[.!?])\s", after.strip(), maxsplit=1)[0]
    stop = len(_tokens(sentence))
    if any(_verb_at(words, k) for k in range(min(len(words), stop))):
        # "…,” Michael O'Connor, a 30-year-old from South Shields who survived, told BBC Radio"
        run = []
        for w in words:
            if not _is_name_word(w):
                break
            run.append(w)
        name = strip_titles(run)
        if len(words) > len(run) and words[len(run)] == "," and _is_person(run, name):
            return True, " ".join(name)
        return True, None
    return False, None


def _before_attribution(before: str) -> tuple[bool, bool, str | None]:
    """(found, adjacent, subject) from the words of the sentence before the opening mark; adjacent
    when the verb introduces the quote ("X said: “…”"), not earlier in the sentence."""
    words = _tokens(before)
    if not words:
        return False, False, None
    # "According to X, “…”"
    for k in range(len(words) - 2, -1, -1):
        if words[k].lower() == "according" and words[k + 1].lower() == "to":
            return True, k + 2 >= len(words) - T.ATTRIBUTION_WINDOW_WORDS, _subject_after(words[k + 2:])
    for k in range(len(words) - 1, -1, -1):
        n = _verb_at(words, k)
        if not n:
            continue
        # "X said: “…”", "X told reporters “…”", "X said that “…”", "telling Zelensky “…”"
        adjacent = len(words) - (k + n) <= 3 and all(
            w in (":", ",", "that") or _is_name_word(w) or w.lower() in ("reporters", "journalists", "the", "a")
            for w in words[k + n:])
        subject = _subject_before(words[:k])
        if subject is None and words[k].lower().endswith("ing"):
            # "…, with Stoltenberg emphasizing NATO's backing, telling Zelensky “…”": the subject of
            # the clause the participle continues, named before an earlier verb in -ing or of saying
            for j in range(k - 1, 0, -1):
                if (words[j].lower().endswith("ing") or _verb_at(words, j)) and _is_name_word(words[j - 1]) \
                        and not words[j - 1].endswith(("’s", "'s")):
                    subject = _subject_before(words[:j])
                    if subject:
                        break
        if subject is None and not _described(words[:k]):
            # "Piers Williams shared the photo and wrote:", "Another devotee Mahinder Singh, who ...,
            # said": the clause's subject stands further back
            subject = sentence_subject(words[:k], organisations=True)
        return True, adjacent, subject
    return False, False, None


def attribute(text: str, quotes: list[RawQuote], paragraphs: list[Span], sentences: list[Span]) -> list[Attribution]:
    """Speaker (as written, titles stripped; pronouns resolved) of each quote, and whether it is a
    speaker's quote at all."""
    import bisect

    para_starts = [p[0] for p in paragraphs]
    sent_starts = [s[0] for s in sentences]
    named: list[tuple[int, str]] | None = None  # found on the first "he" or "she"
    out: list[Attribution] = []
    previous: tuple[int, str | None, int] | None = None  # (paragraph index, speaker, close mark)
    for k, q in enumerate(quotes):
        pi = max(0, bisect.bisect_right(para_starts, q.open_mark) - 1)
        ps, pe = paragraphs[pi] if paragraphs else (0, len(text))
        si = max(0, bisect.bisect_right(sent_starts, q.open_mark) - 1)
        sent_start = max(ps, sentences[si][0]) if sentences else ps
        # the text between this quote and its neighbours in the paragraph
        prev_close = quotes[k - 1].close_mark + 1 if k and quotes[k - 1].close_mark >= ps else ps
        next_open = quotes[k + 1].open_mark if k + 1 < len(quotes) and quotes[k + 1].open_mark < pe else pe
        end_para = paragraphs[min(len(paragraphs) - 1, pi + q.paragraphs - 1)][1] if paragraphs else len(text)
        next_open = min(next_open, end_para) if next_open > q.close_mark else end_para
        after = text[q.close_mark + 1:next_open]
        before = text[max(prev_close, sent_start):q.open_mark]
        found, subject = _after_attribution(after)
        adjacent = found
        if not found:
            found, adjacent, subject = _before_attribution(before)
        # a quote opening its sentence, or introduced by a colon, is a sentence of speech
        opens_sentence = not _tokens(before)
        after_colon = before.rstrip().endswith(":")
        words = len(_tokens(text[q.start:q.end]))
        last_word = (_tokens(before) or [""])[-1].lower()
        quote_words = _tokens(text[q.start:q.end])
        title_case = sum(w[:1].isupper() for w in quote_words) > T.TITLE_CASE_SHARE * max(1, len(quote_words))
        if adjacent or opens_sentence or after_colon:
            is_speaker = True
        elif words >= T.MIN_SPEECH_WORDS and not title_case:
            # a long quote is speech wherever it stands, and in any language ("berkata, “…”"), unless
            # its words are capitalised like a title ("“As 5 Etapas para Alfabetizar seus Filhos”")
            is_speaker = True
        else:
            # a term after "a"/"the"/"so-called" is a scare quote; a long fragment is speech anyway
            # ("she's made a “commitment to be away overnight only once a week …”")
            is_speaker = (found and words >= T.MIN_FRAGMENT_WORDS
                          and (last_word not in _DETERMINERS or words > T.MAX_TERM_WORDS))
        if not is_speaker:
            out.append(Attribution(q, None, False))
            continue
        if not found and after_colon:
            subject = sentence_subject(_tokens(before))  # "As Bernie Sanders put it: “…”"
        elif not found and opens_sentence:
            if previous is not None and pi - previous[0] <= 1:
                subject = previous[1]  # a quote continuing the previous speaker's words
            else:
                subject = PRONOUN  # a feature quoting its subject: the person just named
        if subject == PRONOUN:
            if named is None:
                named = _named_speakers(text, paragraphs, sentences, [(x.open_mark, x.close_mark) for x in quotes])
            j = bisect.bisect_left([offset for offset, _ in named], q.open_mark) - 1
            subject = named[j][1] if j >= 0 else None
            if not found and j >= 0 and named[j][0] < (paragraphs[pi - 1][0] if pi else ps):
                subject = None  # an unattributed quote: only a person named just before it
        out.append(Attribution(q, subject, True))
        previous = (pi + q.paragraphs - 1, subject, q.close_mark)
    return out


_CAP = r"[^\W\d_a-z][\w’'.\-]*"


def _named_speakers(text: str, paragraphs: list[Span], sentences: list[Span],
                    quoted: list[Span] = ()) -> list[tuple[int, str]]:
    """(offset, name) of the persons named as saying something or as a sentence's subject, in text
    order: whom a later "he" or "she" means. A person: a name of two or more words, or a surname the
    article gives in full somewhere."""
    verb_re = _words()["verb_re"]
    surnames = {name_key(n[-1]) for n in full_names_in(text)}
    found = []

    def add(offset: int, name: list[str], run: list[str] | None = None) -> None:
        if _is_person(run or name, name, surnames):
            found.append((offset, " ".join(name)))

    for ps, pe in paragraphs:
        chunk = text[ps:pe]
        for m in re.finditer(rf"((?:{_CAP}\s+)*{_CAP})(?:,[^,]{{1,80}},)?\s+(?:also\s+)?{verb_re}\b", chunk):
            run = name_run(_tokens(m.group(1)))
            before = _tokens(chunk[max(0, m.start() - 20):m.start()])
            if before and before[-1].lower() in _PREPOSITIONS:
                continue  # "superintendent of Takhat Committee said": the committee is not the subject
            add(ps + m.start(), strip_titles(run), run)
        # inverted: "…,” said Jens Stoltenberg"
        for m in re.finditer(rf"[,”\"]\s*{verb_re}\s+((?:{_CAP}\s+)*{_CAP})", chunk):
            run = []
            for w in _tokens(m.group(1)):
                if not _is_name_word(w):
                    break
                run.append(w)
            add(ps + m.start(), strip_titles(run))
    for ss, se in sentences:
        subject = sentence_subject(_tokens(text[ss:min(se, ss + 120)]))
        if subject and subject != PRONOUN:  # "He ..." continues the person named before
            found.append((ss, subject))
    found.sort()
    return [(offset, name) for offset, name in found if not any(qs <= offset < qe for qs, qe in quoted)]


# ---- one name per person across a story ------------------------------------------------------

_TRANSLIT = [(re.compile(r"(?:yy|iy|ij|ii)$"), "y"), (re.compile(r"kh"), "h"), (re.compile(r"ou"), "u")]


def name_key(word: str) -> str:
    """A surname's spelling-independent key: folded like tokens, transliteration endings joined."""
    from ..text.segment import normalise

    key = normalise(word.strip(".,’'"))
    for pattern, repl in _TRANSLIT:
        key = pattern.sub(repl, key)
    return key


def full_names_in(text: str) -> list[list[str]]:
    """Runs of two or more name words (titles stripped) in a text: the full names it mentions."""
    out = []
    for m in re.finditer(rf"(?:{_CAP}\s+)+{_CAP}", text):
        name = strip_titles(name_run(_tokens(m.group())))
        if len(name) >= 2:
            out.append(name)
    return out


def canonical_names(speakers_by_article: dict[str, list[str | None]], texts: dict[str, str]) -> dict[tuple[str, str], str]:
    """(article, speaker as written) -> the story's canonical name. A surname alone becomes a full
    name with that surname written in the story's texts; spellings of one surname share a key
    (name_key) and are shown in the story's most frequent full form (ties: alphabetical), so every
    article names the person alike."""
    story_full: dict[str, Counter] = {}
    wanted = {name_key(s.split()[-1]) for speakers in speakers_by_article.values() for s in speakers if s}
    if not wanted:
        return {}
    # only the places a wanted surname (or a spelling sharing its first letters) is written
    stems = sorted({s.split()[-1][:4] for speakers in speakers_by_article.values() for s in speakers if s})
    near = re.compile(r"\b(?:" + "|".join(re.escape(x) for x in stems) + r")[\w’'\-]*")
    # each distinct text read once, its names counted as often as it is in the story (copies)
    for text, copies in Counter(texts.values()).items():
        for m in near.finditer(text):
            if name_key(m.group()) not in wanted:
                continue
            name = strip_titles(name_run(_tokens(text[max(0, m.start() - 80):m.end()])))
            if len(name) >= 2:
                story_full.setdefault(name_key(name[-1]), Counter())[" ".join(name)] += copies
    out: dict[tuple[str, str], str] = {}
    for aid, speakers in speakers_by_article.items():
        for s in speakers:
            if not s or (aid, s) in out:
                continue
            words = s.split()
            key = name_key(words[-1])
            forms = story_full.get(key)
            if forms:
                # the most frequent full form across the story (ties: alphabetical), so every article
                # names the person alike
                out[(aid, s)] = sorted(forms.items(), key=lambda f: (-f[1], f[0]))[0][0]
            else:
                out[(aid, s)] = s
    return out
