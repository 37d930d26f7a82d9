"""The bundled frame lexicons (crisis, policy, news), chosen by name or by coverage."""

import pytest

from dashboard import lexicons, pipeline
from dashboard.frames import FrameLexiconError, lexicon_hits, load_frames, score_frames
from dashboard.lexicons import BUNDLED, choose_lexicon, coverage, lexicon_text
from dashboard.loading import load_corpus, load_seed_corpus
from dashboard.models import Settings
from dashboard.tokens import STOP_WORDS, tokenize_many

POLICY_KEYS = [
    "economic", "capacity_resources", "morality", "fairness_equality", "legality",
    "policy_prescription", "crime_punishment", "security_defense", "health_safety",
    "quality_of_life", "cultural_identity", "public_opinion", "political", "external_regulation",
]
NEWS_KEYS = ["conflict", "human_interest", "economic", "morality", "resolution"]

# Hand-written news prose, two or more passages per frame, each about its frame
# the way a reporter would write it (not lists of lexicon words).
PASSAGES = {
    "policy": {
        "economic": [
            "The new tariffs will cost American manufacturers an estimated $40 billion a year, economists "
            "warned on Tuesday. Several employers said higher steel prices would force them to cut jobs, "
            "and investors sent shares lower as fears of a recession grew.",
            "Britain's budget deficit widened to £30 billion in the first quarter as tax revenue fell short "
            "of forecasts. The Treasury said spending on debt interest had doubled, and business groups "
            "urged the chancellor to protect investment.",
        ],
        "capacity_resources": [
            "Hospitals across the region say they are overwhelmed. Staffing shortages mean some wards are "
            "running at twice their capacity, and administrators warn that supplies of basic equipment "
            "could run out within weeks without more resources from the state.",
            "Immigration courts face a backlog of more than a million cases, and judges say they lack the "
            "people to clear it. Officials admit the agency is understaffed and underfunded, with waiting "
            "lists that stretch for years.",
        ],
        "morality": [
            "Church leaders called the policy a moral failure, saying it betrays the Christian duty to "
            "welcome the stranger. 'This is a question of conscience,' one bishop said, urging believers "
            "to pray for the families affected.",
            "Critics said it was simply wrong to profit from the suffering of others. 'There is a right and "
            "a wrong here, and no amount of money makes this ethical,' the pastor told his congregation, "
            "calling the scheme shameful.",
        ],
        "fairness_equality": [
            "Women at the company are paid 20 percent less than men for the same work, the lawsuit says, "
            "calling the pay gap a clear case of discrimination. Advocates said equal pay is a basic "
            "question of fairness.",
            "Black and Hispanic drivers were stopped at disproportionate rates, the study found, a disparity "
            "that civil rights groups say reflects racial bias. 'The law must apply the same way to "
            "everyone,' one advocate said.",
        ],
        "legality": [
            "A federal judge blocked the rule on Friday, issuing an injunction that bars the administration "
            "from enforcing it while the lawsuit proceeds. The judge wrote that the plaintiffs were likely "
            "to show the policy is unconstitutional.",
            "The Supreme Court agreed to hear the case, which asks whether the baker's refusal is protected "
            "speech. Lower courts have split on the question, and lawyers for both sides expect a ruling "
            "by June.",
        ],
        "policy_prescription": [
            "The proposal would raise the minimum age for buying rifles to 21 and close the loopholes that "
            "let private sellers skip background checks. Supporters say the changes would save lives; "
            "critics doubt the regulations could be enforced.",
            "Under the proposal, the city would introduce a congestion charge for drivers entering downtown "
            "and spend the revenue on buses. The policy, modelled on London's, would be implemented in "
            "stages, and officials will check whether it cuts traffic.",
        ],
        "crime_punishment": [
            "Police arrested two men on Saturday in connection with the robbery, and prosecutors said they "
            "would seek lengthy prison sentences. Both suspects have previous convictions for burglary.",
            "The former official pleaded guilty to fraud and faces up to ten years in jail. The judge will "
            "announce the sentence in March.",
        ],
        "security_defense": [
            "The Pentagon is sending 3,000 more troops to the region after a series of missile attacks on "
            "American bases. Defense officials said the deployment was meant to deter Iran and protect "
            "national security.",
            "Intelligence agencies warned that terrorist groups are plotting new attacks, and the "
            "government raised the threat level. Extremists linked to Islamic State have called for "
            "bombings in European cities.",
        ],
        "health_safety": [
            "Doctors say the outbreak has already sent hundreds of patients to hospital, and health "
            "officials are urging people to get vaccinated. The virus spreads easily in crowded places, "
            "the public health agency said.",
            "Investigators found that workers at the plant had been exposed to toxic chemicals without "
            "protective gear, and several were treated for injuries. Safety inspectors ordered the site "
            "closed.",
        ],
        "quality_of_life": [
            "For families in the neighborhood, the closure of the only grocery store means a two-bus "
            "commute to buy food. 'It changes your whole daily life,' said one resident, who now spends "
            "hours each week on the trip.",
            "Rising rents have pushed many working families out of the city, and those who stay struggle "
            "to make ends meet. Teachers and bus drivers say they can no longer afford a home near where "
            "they work.",
        ],
        "cultural_identity": [
            "For many in the town, the statue is part of their heritage and of Southern tradition. "
            "Opponents see it as a monument to a painful history, and the fight over it has become a proxy "
            "for a wider culture war.",
            "The players knelt during the national anthem, and critics said they disrespected the flag and "
            "the values it stands for. Supporters said the gesture was itself deeply patriotic.",
        ],
        "public_opinion": [
            "A new poll found that 62 percent of voters disapprove of the way Congress is handling the "
            "issue, and the president's approval rating has slipped to its lowest level this year.",
            "Thousands of protesters marched through the capital on Sunday, and a petition demanding a new "
            "referendum has gathered more than a million signatures, a sign of the public backlash the "
            "government faces.",
        ],
        "political": [
            "With the midterm elections weeks away, Republican strategists fear the issue could hurt "
            "vulnerable incumbents in swing states. Democrats see an opening to energise their base "
            "voters, and both parties are running ads on it.",
            "The senator's filibuster was widely seen as a bid to raise his profile before a presidential "
            "run. Lobbyists for the industry have backed him for years, and party leaders accused him of "
            "putting partisan point-scoring ahead of the country.",
        ],
        "external_regulation": [
            "European leaders criticised Washington's withdrawal from the climate accord, warning it would "
            "damage America's reputation abroad. Diplomats said the move soured relations ahead of the "
            "summit.",
            "The United Nations Security Council voted to impose new sanctions, and the foreign minister "
            "said his country would respect the treaty. Other governments warned that the international "
            "community must present a united front.",
        ],
    },
    "news": {
        "conflict": [
            "The two leaders clashed openly at the summit, with the prime minister accusing his rival of "
            "betraying the alliance. Critics on both sides said the feud was damaging, and the opposition "
            "demanded an apology.",
            "Republicans and Democrats remained deeply divided over the bill, and the dispute spilled into a "
            "bitter confrontation on the Senate floor, where one senator denounced his opponents as cowards.",
        ],
        "human_interest": [
            "Maria Lopez still keeps her son's bedroom exactly as he left it. 'I cried every night for a "
            "year,' the mother of three said, her voice breaking as she held a photograph. 'People talk "
            "about numbers. He was my baby.'",
            "At the vigil, friends and neighbours hugged and wept as the names of the victims were read "
            "aloud. A grieving father described his daughter as 'the kindest person you could meet' and "
            "thanked strangers for their compassion.",
        ],
        "economic": [
            "The strike is costing the economy an estimated $200 million a day, economists say, and "
            "businesses warn that prices will rise if it drags on. Investors have already sold off shares.",
            "Taxpayers could face a bill of $3 billion for the project, which is already two years late and "
            "far over budget, a watchdog said. The overruns will mean higher costs for commuters and less "
            "money for schools.",
        ],
        "morality": [
            "The archbishop said the church could not stay silent on a question of such moral weight. "
            "'Every human life is sacred,' he told worshippers, asking lawmakers to follow their conscience "
            "rather than their party.",
            "'It is simply immoral to leave children to sleep on concrete floors,' the pastor said. "
            "'Whatever your politics, you know in your heart this is wrong, and God will judge how we "
            "treated the least of these.'",
        ],
        "resolution": [
            "The report blamed the agency for failing to act on repeated warnings and said its leaders must "
            "be held accountable. It urged Congress to pass legislation to fix the problem and called for "
            "urgent reforms.",
            "The mayor said the city was responsible for solving the housing crisis and proposed a plan to "
            "tackle homelessness, including new shelters and measures to prevent evictions.",
        ],
    },
    "crisis": {
        "sovereignty": [
            "The president said the country's sovereignty and territorial integrity were under threat and "
            "invoked the collective security treaty, asking allies to help restore constitutional order.",
            "Officials insisted the request was a matter of national security and that the country faced "
            "external aggression, not a domestic uprising.",
        ],
        "terrorism": [
            "The interior ministry said the attacks were carried out by terrorists trained abroad, and that "
            "armed gangs of militants had seized the airport.",
            "State television blamed Islamist extremists and foreign fighters for the violence, describing "
            "the attackers as well-trained saboteurs.",
        ],
        "legitimacy": [
            "Critics said the government offered no evidence for its claims, calling them baseless and a "
            "pretext for the crackdown.",
            "Analysts raised doubts about the legitimacy of the request, asking whether sending foreign "
            "soldiers could be justified under the treaty at all.",
        ],
        "protests": [
            "Thousands of demonstrators gathered in the main square to protest against the doubling of fuel "
            "prices, chanting slogans about corruption and poverty.",
            "The rallies began in the west of the country over the price hike for liquefied gas and spread "
            "as crowds voiced wider grievances.",
        ],
        "public_order": [
            "Police used tear gas and stun grenades as looting spread through the city, and the government "
            "declared a state of emergency and a night-time curfew.",
            "Rioters set fire to government buildings, and officials vowed to restore order after a night "
            "of chaos and arson.",
        ],
        "military": [
            "The first contingent of paratroopers landed at the airport on Thursday, and the alliance said "
            "its peacekeepers would guard key installations.",
            "The defence ministry said several battalions of troops had been deployed, with armoured "
            "vehicles and military personnel to follow.",
        ],
        "power_struggle": [
            "The dismissal of the security chief fuelled talk of a power struggle within the ruling elite, "
            "as loyalists of the former president were purged from key posts.",
            "Observers said the succession had never been settled and that rival clans were fighting for "
            "influence over the oligarchs who control the economy.",
        ],
        "geopolitics": [
            "Analysts in Washington said the Kremlin was using the crisis to reassert its sphere of "
            "influence over the post-Soviet space.",
            "Moscow has long warned against colour revolutions and NATO expansion in what it calls its near "
            "abroad, a geopolitical contest with the West.",
        ],
    },
}


def dominant(texts, frames):
    """Each text's dominant frame, counted and scored as the pipeline's frame stage does."""
    tokens = tokenize_many(texts)
    _, frame = score_frames(lexicon_hits(tokens, frames), tokens.lengths(), frames)
    return list(frame)


def pipeline_units(corpus, settings=Settings()):
    """The units' tokens and alias table exactly as `pipeline.analyze` builds them."""
    unit = pipeline.choose_unit(settings, len(corpus.articles))
    cleaned = pipeline.clean_stage(corpus.articles, unit)
    aliases = pipeline.alias_stage(cleaned, settings.aliases)
    units = pipeline.unit_stage(cleaned, unit, aliases.table, STOP_WORDS)
    return units.tokens, aliases.table, unit


def test_bundled_names_are_the_three_lexicons_and_their_files_exist():
    assert list(BUNDLED) == ["crisis", "policy", "news"]
    assert all(path.is_file() for path in BUNDLED.values())


@pytest.mark.parametrize("name", list(BUNDLED))
def test_bundled_lexicon_loads_without_warnings_with_labels_and_descriptions(name):
    frames, warnings = load_frames(lexicon_text(name))
    assert warnings == []
    assert all(f.label and f.description and f.terms for f in frames)
    assert len({f.label for f in frames}) == len(frames)  # labels tell frames apart on the pages


def test_policy_lexicon_has_exactly_the_fourteen_codebook_frames():
    frames, _ = load_frames(lexicon_text("policy"))
    assert [f.name for f in frames] == POLICY_KEYS


def test_news_lexicon_has_exactly_the_five_generic_frames():
    frames, _ = load_frames(lexicon_text("news"))
    assert [f.name for f in frames] == NEWS_KEYS


@pytest.mark.parametrize("name, authors", [("policy", ["Boydstun", "2014"]), ("news", ["Semetko", "Valkenburg", "2000"])])
def test_generic_lexicons_cite_their_codebook(name, authors):
    header = lexicon_text(name).split("[frames.", 1)[0]
    assert all(a in header for a in authors)


def test_crisis_is_todays_bundled_lexicon():
    assert load_frames(lexicon_text("crisis")) == load_frames(None)


@pytest.mark.parametrize("name", list(PASSAGES))
def test_hand_written_passages_get_their_frame(name):
    frames, _ = load_frames(lexicon_text(name))
    assert sorted(PASSAGES[name]) == sorted(f.name for f in frames)  # every frame is exercised
    expected = [frame for frame, texts in PASSAGES[name].items() for _ in texts]
    texts = [t for texts in PASSAGES[name].values() for t in texts]
    got = dominant(texts, frames)
    wrong = [(want, frame, text[:60]) for want, frame, text in zip(expected, got, texts) if want != frame]
    assert wrong == []


def test_names_are_matched_in_any_case():
    assert lexicon_text(" Policy ") == BUNDLED["policy"].read_text(encoding="utf-8")


def test_unknown_name_lists_the_bundled_lexicons():
    with pytest.raises(FrameLexiconError, match=r'unknown frame lexicon "policies".*crisis, policy, news'):
        lexicon_text("policies")


def test_auto_is_not_a_lexicon_text():
    with pytest.raises(FrameLexiconError, match="choose_lexicon"):
        lexicon_text("auto")


def test_a_users_file_is_read_by_path(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('[frames.tax]\nlabel = "Tax"\nterms = ["tax*"]\n', encoding="utf-8")
    assert lexicon_text(str(path)) == path.read_text(encoding="utf-8")
    assert lexicon_text(path) == path.read_text(encoding="utf-8")


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(FrameLexiconError, match=r"cannot read frame lexicon .*absent\.toml"):
        lexicon_text(tmp_path / "absent.toml")


def test_coverage_is_the_share_of_units_the_analysis_does_not_call_none():
    frames, _ = load_frames(lexicon_text("news"))
    texts = PASSAGES["news"]["conflict"] + ["The meeting is on Tuesday at the town hall, from nine to noon."]
    assert dominant(texts, frames) == ["conflict", "conflict", "none"]
    assert coverage(frames, tokenize_many(texts)) == pytest.approx(2 / 3)
    assert coverage(frames, tokenize_many([])) == 0.0


def test_choose_lexicon_picks_crisis_on_the_sample_corpus():
    tokens, aliases, unit = pipeline_units(load_seed_corpus())
    assert unit == "passage"  # what the sample is analysed with by default
    choice = choose_lexicon(tokens, aliases, unit)
    assert choice.name == "crisis"
    assert choice.coverage["crisis"] > max(choice.coverage["policy"], choice.coverage["news"])
    assert choice.reason.startswith(f"crisis: {round(100 * choice.coverage['crisis'])}% of passages carry a frame")
    assert "for policy" in choice.reason and "for news" in choice.reason


def test_choose_lexicon_picks_a_generic_lexicon_for_non_crisis_news():
    texts = [t for name in ("policy", "news") for texts in PASSAGES[name].values() for t in texts]
    choice = choose_lexicon(tokenize_many(texts), unit="passage")
    assert choice.name in ("policy", "news")
    assert choice.coverage[choice.name] > choice.coverage["crisis"]


def test_choose_lexicon_ties_go_to_the_first_candidate_and_say_so():
    tokens = tokenize_many(["The meeting is on Tuesday at the town hall.", "Doors open at nine."])
    choice = choose_lexicon(tokens, unit="article", candidates=["news", "policy"])
    assert choice.name == "news" and choice.coverage == {"news": 0.0, "policy": 0.0}
    assert "no bundled lexicon" in choice.reason


def test_choose_lexicon_rejects_unknown_candidates_and_units():
    tokens = tokenize_many(PASSAGES["news"]["conflict"])
    with pytest.raises(FrameLexiconError, match="bundled lexicons are crisis, policy, news"):
        choose_lexicon(tokens, candidates=["crisis", "sports"])
    with pytest.raises(ValueError, match="unit"):
        choose_lexicon(tokens, unit="sentence")


def test_on_allsides_events_a_generic_lexicon_frames_most_articles(shared_corpus):
    """On US political news of every topic the crisis lexicon leaves most articles without a frame."""
    tokens, aliases, unit = pipeline_units(load_corpus([shared_corpus("allsides_events.jsonl.gz")]))
    assert unit == "article"
    choice = choose_lexicon(tokens, aliases, unit)
    assert choice.name in ("policy", "news")
    assert choice.coverage[choice.name] > 0.5 > choice.coverage["crisis"]
    # every frame of each generic lexicon is the clear frame of some articles
    for name in ("policy", "news"):
        frames = lexicons.bundled_frames(name)
        _, frame = score_frames(lexicon_hits(tokens, frames, aliases), tokens.lengths(), frames)
        assert set(f.name for f in frames) - set(frame) == set(), name


# ---------------------------------------------------------------- the lexicon an analysis uses


def test_the_crisis_file_lives_with_the_other_lexicons():
    from dashboard.frames import BUNDLED_LEXICON

    assert BUNDLED_LEXICON == BUNDLED["crisis"] and BUNDLED_LEXICON.parent == BUNDLED["policy"].parent


@pytest.mark.parametrize("raw, name", [("auto", "auto"), (" Policy", "policy"), ("NEWS", "news")])
def test_a_choice_is_auto_or_a_bundled_name_in_any_case(raw, name):
    assert lexicons.normalise_choice(raw) == name


def test_an_unknown_choice_names_the_choices():
    with pytest.raises(FrameLexiconError, match="auto or one of the bundled lexicons"):
        lexicons.normalise_choice("sports")


def test_auto_resolves_to_the_best_covering_lexicon_and_says_why():
    tokens, aliases, unit = pipeline_units(load_seed_corpus())
    in_use = lexicons.resolve_lexicon("auto", None, tokens, aliases, unit)
    assert in_use.name == "crisis" and in_use.toml == lexicon_text("crisis")
    assert "chosen automatically" in in_use.reason and "for policy" in in_use.reason
    assert set(in_use.coverage) == set(BUNDLED)


def test_a_named_lexicon_is_used_as_chosen_and_every_coverage_is_still_measured():
    tokens, aliases, unit = pipeline_units(load_seed_corpus())
    in_use = lexicons.resolve_lexicon("news", None, tokens, aliases, unit)
    assert in_use.name == "news" and in_use.toml == lexicon_text("news")
    assert "as chosen" in in_use.reason
    assert in_use.coverage["crisis"] > in_use.coverage["news"]  # so the Overview can suggest crisis


def test_a_users_toml_wins_over_the_name():
    tokens, aliases, unit = pipeline_units(load_seed_corpus())
    mine = '[frames.fuel]\nlabel = "Fuel"\nterms = ["fuel", "gas price*"]\n'
    in_use = lexicons.resolve_lexicon("policy", mine, tokens, aliases, unit)
    assert in_use.name == lexicons.CUSTOM and in_use.toml == mine
    assert "Your own" in in_use.reason


@pytest.mark.parametrize("name", ["policy", "news"])
def test_an_analysis_with_a_named_lexicon_scores_every_frame_of_it(name):
    a = pipeline.analyze(load_seed_corpus(), Settings(lexicon=name))
    keys = [f.name for f in lexicons.bundled_frames(name)]
    assert a.lexicon == name and a.frame_names == keys
    assert all(f"frame:{k}" in a.units.columns and f"frame:{k}" in a.documents.columns for k in keys)
    assert a.notices[0] == a.lexicon_reason and a.lexicon_toml == lexicon_text(name)


def test_the_analysis_records_the_auto_choice_on_the_sample():
    a = pipeline.analyze(load_seed_corpus())
    assert a.lexicon == "crisis" and "chosen automatically" in a.lexicon_reason
    assert a.lexicon_reason in a.notices
