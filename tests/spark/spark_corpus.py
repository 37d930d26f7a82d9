"""A small generated corpus for the Spark tests: events told by several outlets, syndicated copies, bad input.

Twelve events, each reported by four or five outlets within two days in their
own words (sentences drawn from the event's own, its framing's and a pool of
general ones), every event with names no other uses and one way of framing
it; six wire texts reprinted by another outlet with a line added. Generated,
so the tests need nothing but Spark.
"""

from __future__ import annotations

import datetime as dt
import random

from dashboard.models import Settings

OUTLETS = [("Daily Ledger", "left"), ("Morning Star", "left"), ("Capital Wire", "center"),
           ("Civic Times", "center"), ("Frontier Post", "right"), ("Patriot Courier", "right")]
FRAMINGS = {
    "terrorism": [
        "Officials blamed armed gangs and militants trained abroad for the attack.",
        "The ministry called it terrorism by extremist insurgents and foreign fighters.",
        "Police said saboteurs and bandits had planned the violence for weeks.",
        "A spokesman described the attackers as well-armed militants with links to jihadist cells.",
    ],
    "legitimacy": [
        "Critics raised doubts about the legitimacy of the response.",
        "Observers called the official evidence baseless and the allegations unfounded.",
        "Opposition figures said the crackdown was a pretext for occupation.",
        "Skeptics questioned whether the emergency powers were legitimate at all.",
    ],
    "sovereignty": [
        "The government said the territorial integrity of the state was at stake.",
        "Ministers invoked the collective security treaty against external aggression.",
        "The president spoke of foreign interference and a threat to national sovereignty.",
        "Allies pledged to honour their treaty obligations and restore constitutional order.",
    ],
}
EVENT_SENTENCES = [
    "Unrest in {place} continued as {leader} met the {group} council.",
    "{leader} said the {group} council would decide within days.",
    "Crowds gathered in central {place} on the second day of protests.",
    "The {group} council postponed its vote after talks with {leader}.",
    "Reporters in {place} saw roadblocks near the council building.",
    "{leader} promised an inquiry into the events in {place}.",
]
FILLER = [
    "Shops stayed closed and transport was limited across the region.",
    "Local reporters described long queues at the few open markets.",
    "The weather turned colder as the evening went on.",
    "Schools announced they would reopen next week.",
    "Several flights were delayed at the regional airport.",
    "Prices of bread and fuel rose sharply over the weekend.",
    "Hospitals said they had enough beds for now.",
    "A curfew was announced for the night hours.",
    "Internet access was cut for several hours in the afternoon.",
    "Banks limited cash withdrawals until further notice.",
    "Farmers worried about the harvest as roads stayed blocked.",
    "Taxi drivers joined a strike over rising costs.",
    "A football match scheduled for Sunday was cancelled.",
    "The national currency fell against the dollar.",
    "Volunteers handed out food and blankets near the station.",
    "Diplomats met behind closed doors in the capital.",
    "Television channels interrupted their programmes with updates.",
    "Students marched peacefully past the university library.",
    "Trade unions called for calm and for talks to resume.",
    "Neighbouring countries watched the situation closely.",
]
SYLLABLES = "zor kel trin vash mol dar quen bel rav tus nor lim gav pel sor".split()


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()


def generated_records(seed: int = 3) -> list[dict]:
    """Twelve events told by four or five outlets each in their own words, and six syndicated copies."""
    rng = random.Random(seed)
    records = []
    for event in range(12):
        names = {"place": _name(rng), "leader": _name(rng), "group": _name(rng)}
        framing = list(FRAMINGS)[event % len(FRAMINGS)]
        for k, (outlet, bias) in enumerate(rng.sample(OUTLETS, rng.choice([4, 5]))):
            sentences = ([s.format(**names) for s in rng.sample(EVENT_SENTENCES, 3)]
                         + rng.sample(FRAMINGS[framing], 2) + rng.sample(FILLER, 4))
            paragraphs = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
            date = dt.date(2021, 3, 1) + dt.timedelta(days=event * 9 + k % 2)
            records.append({"source": outlet, "bias": bias,
                            "title": f"{names['leader']} meets {names['group']} council in {names['place']}",
                            "date": date.isoformat(), "text": "\n\n".join(paragraphs)})
    for copy in range(6):
        original = records[copy * 7]
        records.append({**original, "source": "Wire Reprints", "bias": "center",
                        "text": original["text"] + "\n\nThis article was indexed from a wire service."})
    return records


SETTINGS = Settings(unit="article", stories="auto")  # stories found from the text: both engines do the work
