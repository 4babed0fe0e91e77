"""Short texts (one paragraph): a rewrite that re-words most sentences of its source is a `rewrite`,
not `same_event` (issue 11, item 5). Texts written for these tests."""

from __future__ import annotations

import pytest

import storytrace

# each sentence re-worded in place: names, numbers and order kept, the wording changed
REWORDED = [
    ("The city council of Port Alder voted 7-2 on Tuesday to approve a $40 million expansion of the town's harbour. Mayor Elena Varga said the project would add 120 berths and a new cold-storage warehouse by 2027. Opponents argued that dredging the inner basin would damage the eelgrass beds where young salmon shelter. The council banned dredging between March and June, when the salmon migrate. The work will be paid for with a $25 million state grant and a $15 million bond issue.",
     "On Tuesday, Port Alder's council approved, by seven votes to two, a plan costing $40 million to enlarge the harbour. According to Mayor Elena Varga, 120 new berths and a cold-storage warehouse will be ready by 2027. Critics warned that deepening the inner basin would harm the eelgrass meadows that shelter juvenile salmon. Councillors prohibited any dredging from March to June, the months when salmon migrate. A state grant of $25 million and bonds worth $15 million will fund the project."),
    ('Inheritance in object-oriented programming lets a class take on the attributes and methods of another class. The class that inherits is called the subclass, and the class it inherits from is the superclass. Inheritance encourages code reuse, because common behaviour is written once in the superclass. A subclass can also override a method to change how it behaves. Most languages allow a class to inherit from a single parent, although some permit multiple inheritance.',
     'In object-oriented languages, inheritance is the mechanism by which one class acquires the fields and methods of another. The inheriting class is known as a subclass or child, while the one it derives from is the superclass or parent. Because shared behaviour only has to be coded once, in the parent, inheritance promotes the reuse of code. Subclasses may redefine, or override, methods to alter their behaviour. Many languages restrict a class to one parent, but a few support multiple inheritance.'),
    ("Heavy rain caused the river Lune to burst its banks on Sunday night, flooding more than 200 homes in the town of Kirkby. Emergency services rescued 35 people from their houses using boats. The Environment Agency said the river had risen two metres in six hours. Residents were moved to the town's sports centre, where volunteers served hot meals.",
     'More than 200 houses in Kirkby were flooded on Sunday night after torrential rain pushed the Lune over its banks. Rescue crews used boats to bring 35 residents out of their homes. According to the Environment Agency, the water level climbed by two metres within six hours. Those evacuated were taken to the local sports centre, where volunteers provided hot food.'),
]

# heavy rewrites that also merge and reorder sentences: the in-order sentence alignment matches only
# a fifth of the words; judge/restated.py finds that neither text says anything the other does not
RESTRUCTURED = [
    ("The city council of Port Alder voted 7-2 on Tuesday to approve a $40 million expansion of the town's harbour. Mayor Elena Varga said the project would add 120 berths and a new cold-storage warehouse by 2027. Opponents argued that dredging the inner basin would damage the eelgrass beds where young salmon shelter. The council banned dredging between March and June, when the salmon migrate. The work will be paid for with a $25 million state grant and a $15 million bond issue.",
     "A $25 million state grant and a $15 million bond will pay for the enlargement of Port Alder's harbour, which councillors approved by seven votes to two on Tuesday at a cost of $40 million. Mayor Elena Varga expects 120 extra berths and a cold store to be finished in 2027. Critics feared that deepening the inner basin would wreck the eelgrass where juvenile salmon hide, so the council ruled out dredging from March to June, during the salmon run."),
    ('Inheritance in object-oriented programming lets a class take on the attributes and methods of another class. The class that inherits is called the subclass, and the class it inherits from is the superclass. Inheritance encourages code reuse, because common behaviour is written once in the superclass. A subclass can also override a method to change how it behaves. Most languages allow a class to inherit from a single parent, although some permit multiple inheritance.',
     "Code reuse is one of the main benefits of inheritance: behaviour that several classes share is defined a single time in a parent class (the superclass), and child classes (subclasses) automatically receive its data and methods. Where a child needs different behaviour it can override the parent's method. Languages differ on how many parents are allowed; most permit only one, but some support multiple inheritance."),
    ("Heavy rain caused the river Lune to burst its banks on Sunday night, flooding more than 200 homes in the town of Kirkby. Emergency services rescued 35 people from their houses using boats. The Environment Agency said the river had risen two metres in six hours. Residents were moved to the town's sports centre, where volunteers served hot meals.",
     "Volunteers at Kirkby's sports centre were serving hot meals on Monday to families forced from their homes when the Lune overflowed after a night of torrential rain. Over 200 houses were under water, and crews in boats had to pull 35 people to safety. The river rose by two metres in just six hours, the Environment Agency said."),
    ('PageRank is an algorithm used by Google Search to rank web pages in its results. It works by counting the number and quality of links to a page to estimate how important the website is. The underlying assumption is that more important websites are likely to receive more links from other websites. It was named after Larry Page, one of the founders of Google.',
     "Named after Google co-founder Larry Page, PageRank ranks pages in Google's search results. It judges a site's importance from how many links point to it and how good those links are, on the assumption that important sites attract more links from elsewhere."),
]


def _relation(a: str, b: str) -> str | None:
    result = storytrace.analyze([{"id": "a", "text": a}, {"id": "b", "text": b}], processes=1)
    return result["pairs"][0]["relation"] if result["pairs"] else None


@pytest.mark.parametrize("pair", range(len(REWORDED)))
def test_short_text_reworded_sentence_by_sentence_is_a_rewrite(pair):
    assert _relation(*REWORDED[pair]) == "rewrite"


@pytest.mark.parametrize("pair", [0, 1, 2])
def test_short_text_restructured_heavily_is_a_rewrite(pair):
    assert _relation(*RESTRUCTURED[pair]) == "rewrite"


# two reports of one event written independently: the same core facts, each with details of its own
INDEPENDENT = [
    ("Heavy rain caused the river Lune to burst its banks on Sunday night, flooding more than 200 homes in the town of Kirkby. Emergency services rescued 35 people from their houses using boats. The Environment Agency said the river had risen two metres in six hours. Residents were moved to the town's sports centre, where volunteers served hot meals.",
     "Kirkby is counting the cost after the Lune flooded the town overnight on Sunday. Shopkeepers on Mill Street said the water reached waist height, and the primary school will stay closed until Wednesday. Local MP Sarah Dunn called for the flood defences promised in 2019 to be built without delay, while insurers said claims could exceed 10 million pounds."),
    ("The city council of Port Alder voted 7-2 on Tuesday to approve a $40 million expansion of the town's harbour. Mayor Elena Varga said the project would add 120 berths and a new cold-storage warehouse by 2027. Opponents argued that dredging the inner basin would damage the eelgrass beds where young salmon shelter. The council banned dredging between March and June, when the salmon migrate. The work will be paid for with a $25 million state grant and a $15 million bond issue.",
     "Port Alder's harbour will be expanded after a council vote on Tuesday. Fishermen packed the public gallery, and several said the town had waited twenty years for more berths. Councillor Tom Reyes, who voted against, said the town could not afford the debt and warned that rates would rise. Construction firms will be invited to bid in the autumn, and the harbour master expects the first berths to open in 2025."),
    ("Mount Kelu erupted on Sunday morning, sending a column of ash five kilometres into the sky. Authorities raised the alert to its highest level and ordered 12,000 people living within eight kilometres of the crater to leave. Flights at the nearby airport were cancelled. No casualties have been reported.",
     "Thousands of villagers fled their homes on Sunday as Mount Kelu erupted for the first time since 2014. Ash fell on towns up to 40 kilometres away, and farmers said their coffee crops had been buried. The volcanology agency said lava was flowing down the southern flank and that further eruptions were likely. Army trucks took residents to shelters in the provincial capital."),
]


@pytest.mark.parametrize("pair", range(len(INDEPENDENT)))
def test_independent_short_reports_of_one_event_are_not_a_rewrite(pair):
    assert _relation(*INDEPENDENT[pair]) in ("same_event", "related")


def test_short_summary_keeping_every_fact_is_a_rewrite():
    assert _relation(*RESTRUCTURED[3]) == "rewrite"
