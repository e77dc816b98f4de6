"""Policy questions are answered by quoting the active refund policy, and only it.

Each answer test runs in both modes: words alone (no sentence embeddings installed) and words
and meaning together (MiniLM's sentence vectors, installed by `make install`).
"""
import random
import time
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from refund_desk.clause_ranking import (cached_index, clause_index, concepts_of, sentences_of, shared_embedder,
                                        split_sentences, terms)
from refund_desk.policy_answers import (OVERVIEW_LIMITS, answer_policy_question, asked_cases, asked_contact_way,
                                        is_overview, limit_sentences, needed_score, overview_sentences)
from refund_desk.refund_policy_loader import load_refund_policy
from refund_desk.records import customer_view
from refund_desk.replies import status_message

POLICIES = Path(__file__).resolve().parents[2] / "refund_policies"
POLICY_NAMES = ["pro_it_assist", "pro_spherent", "webpro_it_solutions", "itmediasolutions", "tech_support_004"]
OTHER_CONTACTS = {"pro_it_assist": "proitassist.com", "itmediasolutions": "itmediasolutions.us",
                  "webpro_it_solutions": "Solutionsservice.com"}
DEV_TABLES = {"policy_questions_dev": Path(__file__).resolve().parent / "policy_questions_dev.yml",
              "policy_questions_dev_2": Path(__file__).resolve().parent / "policy_questions_dev_2.yml"}
# What the development tables measured when the thresholds were chosen (right answers of their 73 and
# 115 non-overview questions), in each mode; the floor is that figure.
# Meaning-only questions naming a concept the policy never names are silent since (+3 on the first table,
# -1 on the second: 67 and 73 before); a concept only one sentence names points to it since (+2 on the
# second: 72 before).
# The blended score with a length allowance deciding whether the policy speaks, and the sentences
# read with their section's title, and a question asking outright for a way to reach the company
# answered from the contact clause: +11 on the second table with meaning (74 before), +3 with words
# alone (64 before: the contact questions).
DEV_FLOOR = {("policy_questions_dev", "words"): 66, ("policy_questions_dev", "words and meaning"): 70,
             ("policy_questions_dev_2", "words"): 67, ("policy_questions_dev_2", "words and meaning"): 85}


@lru_cache(maxsize=None)
def policy(name):
    return load_refund_policy(POLICIES / f"{name}.yml")


@pytest.fixture(params=["words", "words and meaning"], scope="module")
def mode(request):
    """The embedder of each mode: None for words alone, the installed one for words and meaning."""
    if request.param == "words":
        return None
    embedder = shared_embedder()
    assert embedder is not None, "MiniLM's encoder is not installed (run `make install`)"
    return embedder


def ask(name, question, embedder):
    return answer_policy_question(policy(name), question, embedder=embedder)


@pytest.mark.parametrize("name, question, quoted", [
    ("pro_it_assist", "how long does a refund take?", "within 7–10 business days of approval"),
    ("pro_it_assist", "what about chargebacks?", "may result in account suspension"),
    ("pro_it_assist", "how do I contact you?", "(914) 297-8173"),
    ("pro_spherent", "how long does a refund take?", "7–14 business days"),
    ("pro_spherent", "can I get money back for a subscription?", "pro-rated refunds for the unused portion"),
    ("webpro_it_solutions", "what if I cancel?", "You are free to cancel your subscription anytime"),
    ("itmediasolutions", "what if I cancel my monthly service?", "at least seven (7) days before the next billing cycle"),
    ("tech_support_004", "how do I request a refund?", "(4. How to Request a Refund or Return)"),
])
def test_answers_quote_the_active_policy(name, question, quoted, mode):
    text, clauses = ask(name, question, mode)
    assert quoted in text and clauses
    for other, contact in OTHER_CONTACTS.items():
        if other != name:
            assert contact not in text


@pytest.mark.parametrize("name", ["pro_spherent", "webpro_it_solutions", "itmediasolutions", "tech_support_004"])
def test_a_topic_the_policy_does_not_cover_says_so(name, mode):
    text, clauses = ask(name, "what about chargebacks?", mode)
    assert clauses == [] and "doesn't say anything about that" in text
    assert "proitassist.com" not in text


def record(status, eligibility="eligible", note=None, for_customer=True):
    history = [{"note": "opened"}] + ([{"note": note, "for_customer": for_customer}] if note else [])
    return customer_view({"kind": "refund", "reference": "RF-ABCDEF", "invoice_number": "INV-1", "status": status,
                          "eligibility": eligibility, "created_at": "2026-11-21T10:00:00Z", "history": history,
                          "customer_name": "Jane Doe", "customer_email": "jane@example.com"})


@pytest.mark.parametrize("status, says, not_says", [
    ("open", "3–5 business days", None),
    ("in_review", "reviewing it now", None),
    ("approved", "7–10 business days", "3–5 business days"),
    ("denied", "support@proitassist.com", "7–10 business days"),
])
def test_status_tells_what_happens_next(status, says, not_says):
    text = status_message(record(status, note="checked"), policy("pro_it_assist"))
    assert "RF-ABCDEF" in text and says in text and "checked" in text
    if not_says:
        assert not_says not in text


@pytest.mark.parametrize("question, quoted", [
    ("A service credit instead?", "a refund or service credit is appropriate"),
    ("could I get store credit rather than money back", "service credit"),
    ("Refund by cheque?", "original payment method"),
    ("can you send it to a different card?", "original payment method"),
    ("so no refund for the rest of the month? that's not fair", "prorated refunds"),
    ("will my account get suspended?", "account suspension"),
    ("what happens if I do the chargeback anyway?", "account suspension"),
])
def test_answers_fit_the_question(question, quoted, mode):
    text, clauses = ask("pro_it_assist", question, mode)
    assert quoted in text and clauses


@pytest.mark.parametrize("question", ["do you refund in bitcoin?", "is there a loyalty discount?",
                                      "can my neighbour ask for me?"])
def test_where_the_policy_is_silent_it_says_so_not_the_general_clause(question, mode):
    text, clauses = ask("pro_it_assist", question, mode)
    assert clauses == [] and "doesn't say anything about that" in text
    assert "support@proitassist.com" in text
    assert "non-refundable once delivered" not in text


def test_a_policy_that_names_no_company_says_our_refund_policy(mode):
    text, _ = ask("tech_support_004", "is there a loyalty discount for long-time customers?", mode)
    assert text.startswith("Our refund policy doesn't say") and "unnamed" not in text


def test_a_staff_only_note_and_personal_data_are_not_shown():
    text = status_message(record("in_review", note="customer seems to be lying", for_customer=False),
                          policy("pro_it_assist"))
    assert "lying" not in text and "jane" not in text.lower() and "INV-1" not in text
    assert "reviewing it now" in text


def dev_table(table: str = "policy_questions_dev"):
    return YAML(typ="safe").load(DEV_TABLES[table].read_text(encoding="utf-8"))


@pytest.mark.parametrize("table", DEV_TABLES)
def test_the_development_table_is_answered_as_when_the_thresholds_were_chosen(table, mode, capsys):
    """Prints, per policy, how many development questions get a right sentence or a right silence."""
    label = "words" if mode is None else "words and meaning"
    right, asked, misses = Counter(), Counter(), []
    for name, questions in dev_table(table).items():
        for q in questions:
            if q.get("overview"):
                continue
            _, quoted = ask(name, q["q"], mode)
            ok = bool({c.id for c in quoted} & set(q["any"])) if "any" in q else (q.get("silent") and not quoted)
            right[name] += bool(ok)
            asked[name] += 1
            if not ok:
                misses.append(f"{name}: {q['q']} -> {[c.id for c in quoted] or 'silent'}")
    with capsys.disabled():
        print(f"\npolicy answers, development table {table} ({label}): "
              + ", ".join(f"{n} {right[n]}/{asked[n]}" for n in asked)
              + f"; all {sum(right.values())}/{sum(asked.values())}")
    assert sum(right.values()) >= DEV_FLOOR[table, label], "\n".join(misses)


@pytest.mark.parametrize("name", POLICY_NAMES)
def test_an_overview_quotes_the_limits_and_the_eligible_cases(name, mode):
    questions = [q["q"] for q in dev_table()[name] if q.get("overview")]
    assert questions
    for question in questions:
        assert is_overview(question)
        text, quoted = ask(name, question, mode)
        limits = limit_sentences(policy(name))
        assert limits and all(limit in quoted for limit in limits[:OVERVIEW_LIMITS]), text
        assert any("refundable" in c.topics for c in quoted), text
        assert len(quoted) <= OVERVIEW_LIMITS + 3


@pytest.mark.parametrize("name, limit", [
    ("pro_it_assist", "up to 24 hours before the scheduled appointment"),
    ("pro_spherent", "within 7 calendar days of the service delivery date"),
    ("webpro_it_solutions", "within 15 days of the subscription commencement"),
    ("itmediasolutions", "at least seven (7) days before the next billing cycle"),
    ("tech_support_004", "within 7 days of the service date"),
])
def test_an_overview_names_the_customers_time_limit(name, limit):
    assert any(limit in c.text for c in overview_sentences(policy(name)))


@pytest.mark.parametrize("question, narrower", [
    ("what's your refund policy?", False), ("tell me about your terms", False), ("What are your refund rules?", False),
    ("what's your policy on chargebacks?", True), ("what is the policy for monthly plans?", True),
    ("how long does a refund take?", True),
])
def test_an_overview_is_a_question_about_the_whole_policy(question, narrower):
    assert is_overview(question) is not narrower


@pytest.mark.parametrize("question, cases", [
    ("what services can't be refunded?", "non_refundable"), ("what isn't refundable?", "non_refundable"),
    ("which cases qualify for a refund?", "refundable"), ("when can I get a refund?", "refundable"),
    ("is antivirus refundable?", None), ("can I get a refund for my monthly plan?", None),
])
def test_a_question_about_which_cases_qualify_is_told_the_whole_list(question, cases):
    assert asked_cases(question) == cases


@pytest.mark.parametrize("name", POLICY_NAMES)
def test_what_cannot_be_refunded_quotes_the_limits(name, mode):
    _, quoted = ask(name, "what can't be refunded?", mode)
    assert quoted and quoted == limit_sentences(policy(name))[:3]


@pytest.mark.parametrize("name, question, says, not_says", [
    ("pro_it_assist", "what's your phone number?", "(914) 297-8173", "gives no"),
    ("pro_it_assist", "how can I reach you?", "support@proitassist.com", "gives no"),
    ("itmediasolutions", "what's your email address?", "billing@itmediasolutions.us", "gives no"),
    ("itmediasolutions", "what's your phone number?", "gives no phone number", "(914)"),
    ("pro_spherent", "what's your email?", "gives no e-mail address", "@"),
    ("tech_support_004", "can I call you?", "gives no phone number", "@"),
    ("webpro_it_solutions", "do you have a phone number?", "gives no phone number", "proitassist"),
])
def test_contact_questions_are_answered_from_the_contact_clause(name, question, says, not_says, mode):
    text, quoted = ask(name, question, mode)
    assert says in text and not_says not in text
    assert quoted == [policy(name).contact.clause]


@pytest.mark.parametrize("question, way", [
    ("what's your phone number?", "phone number"), ("how do I get in touch?", "any"),
    ("email address please", "e-mail address"), ("what's your office address?", "postal address"),
    ("what should my refund email include?", None), ("do you refund by phone top-up?", None),
    # asking outright for a way, whatever else the question says
    ("is there a fax number I could send the signed claim form to?", "phone number"),
    ("do you have a street address for sending the returned hardware?", "postal address"),
    ("is there a number of days I must wait before asking again?", None),
    ("what is your policy on refunds sent by email?", None),
])
def test_a_contact_question_is_only_about_contact(question, way):
    assert asked_contact_way(question) == way


def test_a_longer_question_needs_a_lower_score_within_bounds():
    short, usual, long = ("refund?", "can I get a refund for the unused part of my plan?",
                          " ".join(["word"] * 25) + " refund?")
    assert needed_score(short) > needed_score(usual) > needed_score(long)
    assert needed_score(" ".join(["word"] * 400)) == needed_score(" ".join(["word"] * 40))
    assert needed_score("refund") == needed_score("a refund please")


@pytest.mark.parametrize("name, question, quoted, mode_name", [
    # issue 16's examples, each in both modes
    (n, q, s, m) for n, q, s in [
        ("pro_spherent", "what if the problem was caused by an AWS outage?", "External causes"),
        ("webpro_it_solutions", "what's the 15 day guarantee thing?", "within 15 days of the subscription"),
        ("tech_support_004", "If I cancel my annual package do I lose access immediately?",
         "continue to have access to services until the end"),
        ("pro_it_assist", "do you do partial refunds?", "not eligible for prorated refunds"),
        ("tech_support_004", "do you do partial refunds?", "partial refund or credit"),
    ] for m in ("words", "words and meaning")])
def test_the_issues_examples_get_the_sentence_that_answers_them(name, question, quoted, mode_name):
    embedder = None if mode_name == "words" else shared_embedder()
    text, sentences = ask(name, question, embedder)
    assert quoted in text and sentences


def test_a_refund_time_the_policy_does_not_give_is_not_answered_with_a_cancellation_notice(mode):
    text, quoted = ask("itmediasolutions", "how long does a refund take to arrive?", mode)
    assert quoted == [] and "doesn't say anything about that" in text and "billing@itmediasolutions.us" in text


@pytest.mark.parametrize("text, sentences", [
    ("One. Two (e.g. this one). Three?", ["One.", "Two (e.g. this one).", "Three?"]),
    ("Recurring services (e.g., antivirus, monitoring) may be canceled.", 
     ["Recurring services (e.g., antivirus, monitoring) may be canceled."]),
    ("However, we understand. We review each case individually.", ["However, we understand.",
                                                                    "We review each case individually."]),
])
def test_clauses_are_split_into_their_sentences(text, sentences):
    assert split_sentences(text) == sentences


def test_every_quoted_sentence_is_the_policys_own_words_with_its_section():
    for name in POLICY_NAMES:
        loaded = policy(name)
        for sentence in sentences_of(loaded):
            clause = next(c for c in loaded.clauses if c.id == sentence.id)
            assert sentence.text in clause.text and sentence.section == clause.section
            assert not sentence.text.endswith(":")


@pytest.mark.parametrize("question, concepts", [
    ("I want my money back", {"#refund"}), ("can I get reimbursed?", {"#refund"}),
    ("I was charged twice", {"#duplicate"}), ("what if I dispute it with my bank", {"#chargeback"}),
    ("do you take bitcoin", {"#crypto"}), ("I want to unsubscribe", {"#cancel"}),
])
def test_synonyms_and_the_lexicon_name_one_concept(question, concepts):
    assert concepts <= set(terms(question))


class CountingEmbedder:
    """The installed embedder, counting the texts it is asked to embed."""

    def __init__(self, inner):
        self.inner, self.texts = inner, 0

    def embed(self, texts):
        self.texts += len(texts)
        return self.inner.embed(texts)


def test_sentence_vectors_are_computed_once_per_policy_not_per_question():
    counting = CountingEmbedder(shared_embedder())
    loaded = policy("pro_it_assist")
    sentences = len(sentences_of(loaded))
    for question in ["do you do partial refunds?", "what about chargebacks?", "how long does a refund take?"]:
        answer_policy_question(loaded, question, embedder=counting)
    # the policy's sentences once, alone and under their section's title (clause_ranking.CONTEXT_WEIGHT),
    # then one text per question
    assert counting.texts == 2 * sentences + 3
    assert clause_index(loaded, counting) is clause_index(loaded, counting)


def test_the_index_is_built_before_the_first_question():
    loaded = load_refund_policy(POLICIES / "tech_support_004.yml")
    embedder = CountingEmbedder(shared_embedder())
    assert cached_index(loaded, embedder) is None
    clause_index(loaded, embedder)
    built = cached_index(loaded, embedder)
    assert built is not None and built.dense is not None
    answer_policy_question(loaded, "can I cancel any time?", embedder=embedder)
    assert cached_index(loaded, embedder) is built


def test_without_installed_vectors_answers_go_by_words_alone(monkeypatch, tmp_path):
    import refund_desk.sentence_encoder as sentence_encoder

    monkeypatch.setattr(sentence_encoder, "ENCODER_DIR", tmp_path)  # an empty directory: nothing installed
    shared_embedder.cache_clear()
    try:
        assert shared_embedder() is None
        text, quoted = answer_policy_question(policy("pro_it_assist"), "will my account get suspended?")
        assert "account suspension" in text
        assert clause_index(policy("pro_it_assist"), None).dense is None
    finally:
        monkeypatch.undo()
        shared_embedder.cache_clear()
    assert shared_embedder() is not None  # installed again: the other tests' mode


def test_any_message_gets_a_short_answer_quoting_only_the_policy(mode):
    """For any input (random words from the policies, the lexicon, noise), the answer quotes only
    the active policy's sentences, at most three (more for an overview), and never fails."""
    rng = random.Random(16)
    loaded = policy("webpro_it_solutions")
    own = {s.text for s in sentences_of(loaded)}
    vocabulary = " ".join(own).split() + ["refund", "policy", "phone", "email", "?", "!!", "é", "😀", "", "\x00"]
    for _ in range(200):
        question = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(0, 30)))
        text, quoted = answer_policy_question(loaded, question, embedder=mode)
        assert text and len(quoted) <= (OVERVIEW_LIMITS + 3 if is_overview(question) else 3)
        assert all(q.text in own for q in quoted)
        assert "proitassist" not in text and "itmediasolutions.us" not in text
        if not quoted:
            assert "doesn't say anything about that" in text


def test_time_per_answer(mode, capsys):
    """Prints the time per answer (the action server's work for one policy question); asserts nothing about
    speed, since the test machine is shared."""
    loaded = policy("pro_it_assist")
    questions = [q["q"] for q in dev_table()["pro_it_assist"]]
    answer_policy_question(loaded, questions[0], embedder=mode)  # the index is built once per policy load
    start = time.perf_counter()
    rounds = 5
    for _ in range(rounds):
        for question in questions:
            answer_policy_question(loaded, question, embedder=mode)
    per_answer = (time.perf_counter() - start) / (rounds * len(questions))
    with capsys.disabled():
        print(f"\npolicy answers ({'words' if mode is None else 'words and meaning'}): "
              f"{per_answer * 1000:.2f} ms per answer over {rounds * len(questions)} answers")
    assert per_answer > 0


@pytest.mark.parametrize("name, question, names_it", [
    ("pro_it_assist", "do you refund in bitcoin?", False),  # no sentence names crypto
    ("pro_spherent", "do you refund in bitcoin?", True),  # "... cryptocurrency ..."
    ("pro_spherent", "I paid with USDT, will the refund come back in crypto?", True),
])
def test_a_concept_no_sentence_names_is_told_apart(name, question, names_it):
    assert clause_index(policy(name), shared_embedder()).never_names(concepts_of(question)) is not names_it


def test_a_concept_the_policy_names_is_still_answered_by_meaning():
    text, quoted = ask("pro_spherent", "do you refund in bitcoin?", shared_embedder())
    assert quoted and any("crypto" in c.text.lower() for c in quoted), text


@pytest.mark.parametrize("name, question, quotes_crypto", [
    ("pro_spherent", "can u pay me back in crypto", True),  # meaning 0.34 and words 0.17: too faint alone
    ("pro_spherent", "r u able to send my refund as crypto", True),
    ("pro_it_assist", "can u pay me back in crypto", False),  # no sentence names it: silent
])
def test_a_concept_only_one_sentence_names_points_to_it(name, question, quotes_crypto):
    text, quoted = ask(name, question, shared_embedder())
    assert any("crypto" in c.text.lower() for c in quoted) is quotes_crypto, text
    assert quoted or "doesn't say" in text or "does not say" in text, text


def test_a_concept_many_sentences_name_points_nowhere():
    index = clause_index(policy("pro_spherent"), shared_embedder())
    assert len(index.named_in["#refund"]) > 1
    assert index.few_name(concepts_of("refund?"), 1) == []
    assert ([c.id for c in index.few_name(concepts_of("refund in crypto?"), 1)]
            == [c.id for c in index.few_name(concepts_of("crypto"), 1)] != [])
