"""The safety classifier (n-gram logistic regression, classifier.py): packaged weights, scoring,
its vote in the detector, and that it can never make the detector fail.

The messages below are new (not in any training file); the held-out figures are in
bench/safety_classifier_cv.py.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import numpy as np
import pytest

from navigator.chat.safety import detector
from navigator.chat.safety.classifier import (
    Classifier,
    data_hash,
    load_classifier,
    read_classifier,
    save_classifier,
    training_files,
)
from navigator.chat.safety.config import SafetyConfigError
from navigator.chat.safety.detector import classifier_text, detect, safe_detect
from navigator.chat.safety.rules import CATEGORIES

# fmt: off
CLEAR = [
    ("ive saved up all my tablets and tonight im taking the lot", "suicide"),
    ("nobody would even notice if i stopped existing, ive made my peace with it", "suicide"),
    ("been slicing my thighs with a razor blade again to feel something", "self_harm"),
    ("i burn my arms with a lighter when it gets too much", "self_harm"),
    ("my boyfriend checks my phone every night and wont let me see my sister, last week he choked me",
     "domestic_abuse"),
    ("my wife threatens to stab me if i ever leave and shes taken my passport", "domestic_abuse"),
    ("the lad next door is 9 and his stepdad beats him with a belt, i hear him screaming", "child_at_risk"),
    ("my 12 year old has been messaging a grown man who asked her to send photos and meet him alone",
     "child_at_risk"),
    ("my nan collapsed and isnt breathing properly, her lips are going blue", "medical_emergency"),
    ("he's having a seizure and it's been going on for ten minutes", "medical_emergency"),
]
# fmt: on

HARD_NEGATIVES = [
    "how do I groom my puppy",
    "my phone died",
    "this heat is killing me",
    "where can i get my flu jab in leeds",
    "my cat keeps scratching the sofa any tips",
    "i could murder a pizza right now",
    "the battery in my car is dead again",
    "looking for a baby and toddler group near stockport",
    "can you recommend a knife sharpening service",
    "my son fell off his bike and grazed his knee",
]


def _probabilities(message: str) -> dict[str, float]:
    return load_classifier().probabilities(classifier_text(message))


def test_packaged_weights_load() -> None:
    model = load_classifier()
    assert model.classes == ("", *CATEGORIES)
    assert 0.5 <= model.threshold < 1.0
    assert len(model.index) > 1000
    assert model.coef.shape == (len(model.classes), len(model.index))


def test_weights_are_not_stale() -> None:
    """Fails after a training file changes: run `python -m navigator.chat.safety.classifier_train`."""
    assert load_classifier().data_hash == data_hash(training_files()), (
        "data/training/ changed since classifier.npz was fitted: "
        "run `python -m navigator.chat.safety.classifier_train` and commit the new weights"
    )


def test_scoring_is_deterministic_and_a_distribution() -> None:
    first = _probabilities(CLEAR[0][0])
    assert first == _probabilities(CLEAR[0][0])
    assert sum(first.values()) == pytest.approx(1.0)
    assert set(_probabilities("")) == {"", *CATEGORIES}  # no n-grams at all: the priors


@pytest.mark.parametrize(("message", "category"), CLEAR)
def test_catches_clear_new_examples(message: str, category: str) -> None:
    probabilities = _probabilities(message)
    assert max(probabilities, key=probabilities.__getitem__) == category
    assert probabilities[category] >= load_classifier().threshold


@pytest.mark.parametrize("message", HARD_NEGATIVES)
def test_hard_negatives_stay_quiet(message: str) -> None:
    probabilities = _probabilities(message)
    assert all(p < load_classifier().threshold for c, p in probabilities.items() if c), probabilities
    assert detect(message).category is None


def test_detector_takes_the_vote_and_says_so() -> None:
    """Oblique: no phrase rule matches, the classifier does (rules-only mode, no embedder)."""
    message = "nobody would even notice if i stopped existing, ive made my peace with it"
    assert detect(message, classifier=False).category is None
    result = detect(message)
    assert result.category == "suicide"
    assert result.reason.startswith("classifier (suicide): probability 0.")
    assert result.confidence <= detector.CLASSIFIER_CAP


def test_save_and_read_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "weights.npz"
    save_classifier(path, load_classifier())
    again = read_classifier(path.read_bytes(), str(path))
    for message, _ in CLEAR[:3]:
        text = classifier_text(message)
        assert again.probabilities(text) == pytest.approx(load_classifier().probabilities(text))


def test_a_broken_weights_file_is_refused_with_advice() -> None:
    with pytest.raises(SafetyConfigError, match="classifier_train"):
        read_classifier(b"not a zip file", "somewhere/classifier.npz")


def _broken() -> Classifier:
    model = load_classifier()
    return Classifier(model.classes, model.index, model.idf, np.zeros((2, 2)), model.intercept, 0.8, "")


def test_a_broken_classifier_never_fails_the_detector() -> None:
    message = "I want to kill myself"
    result = detect(message, classifier=_broken())
    assert result.category == "suicide" and not result.reason.startswith("classifier")
    assert detect("where is the library", classifier=_broken()).category is None


def test_missing_weights_never_fail_safe_detect(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> Classifier:
        raise FileNotFoundError("classifier.npz")

    monkeypatch.setattr(detector, "load_classifier", missing)
    assert safe_detect("where is the library").category is None
    assert safe_detect("I want to kill myself").category == "suicide"


def test_cost_per_message_is_small() -> None:
    model = load_classifier()
    texts = [classifier_text(m) for m, _ in CLEAR] + [classifier_text(m) for m in HARD_NEGATIVES]
    times = []
    for text in texts * 5:
        started = time.perf_counter()
        model.probabilities(text)
        times.append(time.perf_counter() - started)
    assert statistics.median(times) < 0.002


# ---- the joint model (n-grams + the message's sentence embedding) --------------------------------


def _unit(seed: int, dims: int) -> np.ndarray:
    vector = np.random.default_rng(seed).standard_normal(dims).astype(np.float32)
    return vector / np.linalg.norm(vector)


def test_packaged_weights_carry_a_joint_model_for_the_default_embedder() -> None:
    from navigator.config import Settings
    from navigator.search.embedder import model_id_for

    joint = load_classifier().joint
    assert joint is not None
    assert joint.model_id == model_id_for(Settings())
    assert joint.coef.shape == (len(load_classifier().classes), len(load_classifier().index) + 384)
    assert 0.5 <= joint.threshold < 1.0


def test_the_joint_model_answers_only_for_its_own_embedding_model() -> None:
    model = load_classifier()
    assert model.joint is not None
    text = classifier_text(CLEAR[0][0])
    vector = _unit(1, 384)
    lexical = model.probabilities(text)
    # No vector, another model's vector, or a vector of the wrong size: the lexical model answers.
    for args in [
        (None, model.joint.model_id),
        (vector, "some-other-model"),
        (vector[:100], model.joint.model_id),
    ]:
        probabilities, threshold, joint = model.vote(text, *args)
        assert not joint and threshold == model.threshold
        assert probabilities == pytest.approx(lexical)
    probabilities, threshold, joint = model.vote(text, vector, model.joint.model_id)
    assert joint and threshold == model.joint.threshold
    assert probabilities != pytest.approx(lexical)  # the vector counts
    assert sum(probabilities.values()) == pytest.approx(1.0)


def test_joint_weights_survive_a_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "weights.npz"
    save_classifier(path, load_classifier())
    again = read_classifier(path.read_bytes(), str(path))
    assert again.joint is not None and load_classifier().joint is not None
    text, vector = classifier_text(CLEAR[4][0]), _unit(2, 384)
    model_id = again.joint.model_id
    assert again.vote(text, vector, model_id)[0] == pytest.approx(
        load_classifier().vote(text, vector, model_id)[0]
    )


def test_joint_weights_that_do_not_fit_the_vocabulary_are_refused(tmp_path: Path) -> None:
    import dataclasses

    model = load_classifier()
    assert model.joint is not None
    short = dataclasses.replace(model.joint, coef=model.joint.coef[:, : len(model.index)])
    path = tmp_path / "weights.npz"
    save_classifier(path, dataclasses.replace(model, joint=short))
    with pytest.raises(SafetyConfigError, match="joint weights"):
        read_classifier(path.read_bytes(), str(path))


def test_fit_with_vectors_learns_from_them() -> None:
    """A toy task the n-grams cannot tell apart (same words) but the vectors can."""
    from navigator.chat.safety.classifier_train import CLASSES, fit

    texts, labels, vectors = [], [], []
    for i in range(60):
        label = CLASSES[i % len(CLASSES)]
        texts.append("same words every time")
        labels.append(label)
        vector = np.zeros(8, dtype=np.float32)
        vector[CLASSES.index(label)] = 1.0
        vectors.append(vector)
    model = fit(texts, labels, vectors=np.stack(vectors), model_id="toy", scale=4.0, c=100.0)
    assert model.joint is not None and model.joint.model_id == "toy"
    for label in CLASSES:
        vector = np.zeros(8, dtype=np.float32)
        vector[CLASSES.index(label)] = 1.0
        probabilities, _, joint = model.vote("same words every time", vector, "toy")
        assert joint and max(probabilities, key=probabilities.__getitem__) == label


@pytest.fixture(scope="module")
def real_embedder(tmp_path_factory: pytest.TempPathFactory) -> object:
    from navigator.config import Settings
    from navigator.search.embedder import load_embedder

    return load_embedder(Settings(data_dir=tmp_path_factory.mktemp("classifier-model")))


def test_the_joint_model_overrules_a_lone_semantic_match(real_embedder: object) -> None:
    """Past self-harm, long resolved: close to a risk example, but read as ordinary in context."""
    message = (
        "i used to hurt myself as a teenager but im fifteen years past it and want to mentor young people"
    )
    without = detect(message, embedder=real_embedder, classifier=False)  # type: ignore[arg-type]
    assert without.category == "self_harm" and without.reason.startswith("like ")
    result = detect(message, embedder=real_embedder)  # type: ignore[arg-type]
    assert result.category is None
    assert "overruled: the classifier reads it as ordinary" in result.reason
    assert detector.SEMANTIC_VETO >= 0.9


@pytest.mark.parametrize(
    ("message", "category"),
    [
        (
            "tried to end things back in 2012, twelve years well now, want to give a talk at my old school",
            "suicide",
        ),
        (
            "i self harmed as a teenager but ive been fine for twelve years, how do i become a peer mentor",
            "self_harm",
        ),
    ],
)
def test_the_joint_model_overrules_a_phrase_rule_when_sure(
    real_embedder: object, message: str, category: str
) -> None:
    """A rule reads words, not time: long past, now helping others."""
    words_only = detect(message)  # no embedder: no joint model, so nothing is overruled
    assert words_only.category == category and words_only.reason.startswith("phrase rule")
    result = detect(message, embedder=real_embedder)  # type: ignore[arg-type]
    assert result.category is None
    assert result.reason.startswith(f"phrase rule ({category})")
    assert "overruled: the classifier reads it as ordinary" in result.reason
    assert detector.RULE_VETO > detector.SEMANTIC_VETO  # a phrase is overruled only on stronger evidence


@pytest.mark.parametrize(
    ("message", "category"),
    [
        ("need help with council tax in Wakefield and honestly i want to kill myself", "suicide"),
        (
            "had a heart attack in 2019, and now the same crushing pain in my chest and left arm",
            "medical_emergency",
        ),
        ("i self harmed as a teen and tonight ive got the blade out again", "self_harm"),
        ("he hit me years ago and now hes out of prison and outside my house", "domestic_abuse"),
    ],
)
def test_risk_said_beside_the_past_is_still_caught(
    real_embedder: object, message: str, category: str
) -> None:
    result = detect(message, embedder=real_embedder)  # type: ignore[arg-type]
    assert category in (result.category, *result.also), result.reason


def test_the_joint_model_votes_with_the_real_embedder(real_embedder: object) -> None:
    """No phrase rule or example catches this; the joint model does, and says so."""
    message = "she's gone a funny grey colour and isn't answering me, her lips look wrong"
    assert detect(message, embedder=real_embedder, classifier=False).category is None  # type: ignore[arg-type]
    result = detect(message, embedder=real_embedder)  # type: ignore[arg-type]
    assert result.category == "medical_emergency"
    assert result.reason.startswith("classifier+embedding (medical_emergency)")


def _chat_replies() -> list[str]:
    """Every short reply the chat understands, its suggestion buttons, and the issue's follow-ups."""
    import tomllib
    from importlib import resources

    data = resources.files("navigator.chat") / "data"
    intents = tomllib.loads((data / "followups.toml").read_text(encoding="utf-8"))["intents"]
    buttons = tomllib.loads((data / "wording.toml").read_text(encoding="utf-8"))["suggestions"]
    issue = ["anything free?", "closer to home", "online instead", "it's for my daughter, she's 13"]
    return sorted({*(p for phrases in intents.values() for p in phrases), *buttons.values(), *issue})


def test_the_chats_own_replies_are_never_a_crisis(real_embedder: object) -> None:
    """Every message is checked before the chat reads it: a crisis reply to "I'd rather not say" or
    "it's for my daughter, she's 13" would break the conversation it is part of."""
    replies = _chat_replies()
    assert len(replies) > 100
    flagged = {
        text: (result.category, result.reason)
        for text in replies
        for result in (detect(text), detect(text, embedder=real_embedder))  # type: ignore[arg-type]
        if result.category is not None
    }
    assert not flagged, flagged
