"""A lossless speech corpus with a known script, synthesised at benchmark time with espeak-ng.

Used by ``bench_transcription.py``.  Each language is a "program": distinct VSL-style scripts
(different topics, names, prices and numbers, written out as words) read by a couple of
espeak-ng voices at different speeds, resampled to 16 kHz mono 16-bit PCM and concatenated
with pauses of 0.9-1.6 s between scripts, so a chunker finds realistic silences.  The reference
is the scripts' text in the same order.

Whisper writes spoken numbers as digits ("forty-seven dollars" -> "$47"), and the project's
``normalise_text`` keeps digits, so :func:`spell_numbers` turns digits, currency signs and
percent signs back into words (English and Portuguese, integers and simple decimals) before
scoring.  Both the direct and the pipeline transcripts go through it, so it cannot favour either.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ESPEAK = shutil.which("espeak-ng")
SAMPLE_RATE = 16000

# (voice, words per minute, text).  Numbers are written as words so the reference is unambiguous.
EN_SCRIPTS: list[tuple[str, int, str]] = [
    (
        "en-us",
        160,
        "Are you tired of diets that never work? My name is Sarah Collins, and three years ago I weighed "
        "two hundred and ten pounds. Today I want to show you the simple morning habit that helped me lose "
        "forty pounds in six months without counting calories. Thousands of women have already tried it. "
        "Watch this short video until the end, because the special price is only available today.",
    ),
    (
        "en-gb",
        150,
        "What if you could earn an extra thousand dollars every month from your kitchen table? Michael "
        "Turner was a delivery driver in Ohio when he found a small online business that nobody talks "
        "about. In the next few minutes he will explain the three steps he followed, the mistakes he made "
        "in the first year, and why you do not need any experience or a big budget to start.",
    ),
    (
        "en-us",
        145,
        "Doctors rarely mention this, but poor sleep is linked to weight gain, low energy and bad moods. "
        "Our natural formula combines magnesium, chamomile and eight other plant extracts. Most customers "
        "fall asleep in less than twenty minutes and wake up feeling rested. One bottle lasts thirty days, "
        "and today you can get it for only forty nine dollars instead of ninety seven.",
    ),
    (
        "en-gb",
        165,
        "Learning a new language does not have to take years. Professor Anna Silva created a method that "
        "uses just fifteen minutes a day and the songs you already love. Her students in Lisbon, Madrid "
        "and Chicago reached a basic conversation in only eight weeks. Join the course now and you will "
        "also receive two bonus books and a private lesson with a native teacher.",
    ),
    (
        "en-us",
        155,
        "Your garden can produce fresh vegetables all year, even in winter. David Brown has grown tomatoes, "
        "lettuce and peppers in a small backyard greenhouse for over twelve years. In this video he shares "
        "the cheap materials he uses, how he keeps the plants warm at night, and the watering trick that "
        "doubled his harvest. The complete guide costs less than a pizza.",
    ),
    (
        "en-gb",
        145,
        "Back pain affects nearly eighty percent of adults at some point in their lives. Physical "
        "therapist Laura Mitchell designed a routine of seven gentle stretches that you can do in bed "
        "before you get up. Her patients report less stiffness after only one week. There are no pills, "
        "no expensive machines and no gym membership. All you need is ten minutes every morning.",
    ),
    (
        "en-us",
        170,
        "Imagine paying off your credit cards two years sooner. Financial coach Robert Evans will show "
        "you the exact plan he used to clear fifty thousand dollars of debt while raising four children. "
        "You will learn which bills to pay first, how to talk to your bank about lower interest, and the "
        "weekly budget sheet that keeps your family on track.",
    ),
    (
        "en-gb",
        155,
        "Dogs do not misbehave because they are stubborn. They simply do not understand what you want. "
        "Trainer Emily Clarke has worked with more than three thousand families, and her calm approach "
        "stops pulling, barking and jumping in a matter of days. The online program includes twenty one "
        "short lessons, and you can watch them on your phone at any time.",
    ),
    (
        "en-us",
        150,
        "This is not another fitness program that you will quit after a week. Coach James Walker built "
        "these workouts for busy parents who have only twelve minutes a day. No equipment, no running and "
        "no heavy weights. Follow the plan for ninety days, and if you are not happy with your results, "
        "send us an email and we will refund every cent.",
    ),
    (
        "en-gb",
        160,
        "Every morning millions of people drink coffee that is stale, bitter and overpriced. Our small "
        "roastery in the mountains of Colombia sends fresh beans straight to your door within five days "
        "of roasting. Your first bag is free when you join the club, and members save thirty percent on "
        "every order after that. Cancel whenever you like.",
    ),
    (
        "en-us",
        160,
        "Thank you for watching this presentation. Here is what you get today: the main video course, the "
        "printed workbook, lifetime updates and access to our private community. The regular price is one "
        "hundred and ninety seven dollars, but for the next hour it is only sixty seven. Click the orange "
        "button below this video and secure your place now.",
    ),
    (
        "en-gb",
        150,
        "Most people think memory declines with age and there is nothing they can do about it. Doctor "
        "Peter Hughes spent twenty years studying the brain, and he discovered four simple games that "
        "keep the mind sharp. His readers say they remember names, numbers and appointments better after "
        "just one month. Try the first game free of charge today.",
    ),
]

PT_SCRIPTS: list[tuple[str, int, str]] = [
    (
        "pt-br",
        150,
        "Você está cansado de dietas que nunca funcionam? Meu nome é Carla Mendes e há dois anos eu pesava "
        "noventa quilos. Neste vídeo eu vou mostrar o hábito simples que me ajudou a perder quinze quilos "
        "em quatro meses sem passar fome. Milhares de mulheres já testaram. Assista até o final, porque "
        "esta oferta especial é só para hoje.",
    ),
    (
        "pt-br",
        160,
        "Imagine ganhar uma renda extra de dois mil reais por mês trabalhando de casa. O Ricardo Souza era "
        "motorista de aplicativo em Curitiba quando descobriu um pequeno negócio na internet. Nos próximos "
        "minutos ele vai explicar os três passos que seguiu e por que você não precisa de experiência "
        "para começar.",
    ),
    (
        "pt-br+f2",
        145,
        "A dor nas costas atinge quase oitenta por cento dos adultos. A fisioterapeuta Juliana Rocha criou "
        "uma rotina de sete alongamentos que você faz na cama antes de levantar. Os pacientes sentem menos "
        "rigidez já na primeira semana. Não tem remédio, não tem aparelho caro e não precisa de academia.",
    ),
    (
        "pt-br",
        155,
        "Aprender inglês não precisa levar anos. O professor Marcos Lima desenvolveu um método com apenas "
        "quinze minutos por dia usando as músicas que você já conhece. Os alunos de São Paulo, Recife e "
        "Porto Alegre chegaram a uma conversa básica em oito semanas. Entre agora e receba dois livros de "
        "bônus.",
    ),
    (
        "pt-br+f2",
        160,
        "O nosso suplemento natural combina magnésio, camomila e outros oito extratos de plantas. A maioria "
        "dos clientes dorme em menos de vinte minutos e acorda descansada. Um frasco dura trinta dias e "
        "hoje você leva por apenas quarenta e sete reais, em vez de noventa e sete.",
    ),
    (
        "pt-br",
        150,
        "Pagar todas as suas dívidas dois anos antes é possível. O consultor financeiro Paulo Martins vai "
        "mostrar o plano exato que ele usou para quitar cinquenta mil reais de dívidas criando três filhos. "
        "Você vai aprender quais contas pagar primeiro e como negociar juros menores com o banco.",
    ),
    (
        "pt-br+f2",
        145,
        "O seu cachorro não é teimoso, ele só não entende o que você quer. A adestradora Fernanda Alves já "
        "ajudou mais de três mil famílias, e o método dela acaba com puxões, latidos e pulos em poucos "
        "dias. O curso tem vinte e uma aulas curtas que você assiste pelo celular.",
    ),
    (
        "pt-br",
        160,
        "Obrigado por assistir esta apresentação. Hoje você recebe o curso completo, a apostila impressa, "
        "as atualizações para sempre e o acesso ao nosso grupo exclusivo. O preço normal é cento e noventa "
        "e sete reais, mas só na próxima hora sai por sessenta e sete. Clique no botão laranja abaixo do "
        "vídeo e garanta a sua vaga.",
    ),
]

#: The same scripts read a second time by the other accent's female variant, 5 wpm slower: a
#: different acoustic rendering of the same text doubles the corpus (and the independent chances
#: for the decoder to go wrong) without writing new scripts.
EN_SCRIPTS_B: list[tuple[str, int, str]] = [
    (("en-gb" if voice == "en-us" else "en-us") + "+f2", wpm - 5, text) for voice, wpm, text in EN_SCRIPTS
]

# -- numbers back to words ---------------------------------------------------------------------

_EN_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_EN_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_PT_ONES = (
    "zero um dois três quatro cinco seis sete oito nove dez onze doze treze quatorze quinze "
    "dezesseis dezessete dezoito dezenove"
).split()
_PT_TENS = "_ _ vinte trinta quarenta cinquenta sessenta setenta oitenta noventa".split()
_PT_HUNDREDS = "_ cento duzentos trezentos quatrocentos quinhentos seiscentos setecentos oitocentos novecentos".split()


def _en(n: int) -> str:
    if n < 20:
        return _EN_ONES[n]
    if n < 100:
        return _EN_TENS[n // 10] + ("" if n % 10 == 0 else " " + _EN_ONES[n % 10])
    if n < 1000:
        rest = n % 100
        return _EN_ONES[n // 100] + " hundred" + ("" if rest == 0 else " and " + _en(rest))
    if n < 1_000_000:
        rest = n % 1000
        return _en(n // 1000) + " thousand" + ("" if rest == 0 else (" and " if rest < 100 else " ") + _en(rest))
    return " ".join(_EN_ONES[int(d)] for d in str(n))


def _pt(n: int) -> str:
    if n < 20:
        return _PT_ONES[n]
    if n < 100:
        return _PT_TENS[n // 10] + ("" if n % 10 == 0 else " e " + _PT_ONES[n % 10])
    if n == 100:
        return "cem"
    if n < 1000:
        rest = n % 100
        return _PT_HUNDREDS[n // 100] + ("" if rest == 0 else " e " + _pt(rest))
    if n < 1_000_000:
        thousands, rest = divmod(n, 1000)
        head = "mil" if thousands == 1 else _pt(thousands) + " mil"
        return head + ("" if rest == 0 else (" e " if rest < 100 or rest % 100 == 0 else " ") + _pt(rest))
    return " ".join(_PT_ONES[int(d)] for d in str(n))


_MONEY_EN = re.compile(r"\$\s*(\d[\d,]*)(?:\.(\d\d))?")
_MONEY_PT = re.compile(r"R\$\s*(\d[\d.]*)(?:,(\d\d))?")
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")


def spell_numbers(text: str, language: str) -> str:
    """Digits, ``$``/``R$`` amounts and ``%`` as words, so "$47" matches "forty seven dollars"."""
    words = _en if language == "en" else _pt
    if language == "en":
        text = _MONEY_EN.sub(
            lambda m: (
                m.group(1).replace(",", "")
                + " dollars"
                + (f" and {int(m.group(2))} cents" if m.group(2) and int(m.group(2)) else "")
            ),
            text,
        )
        text = text.replace("%", " percent")
    else:
        text = _MONEY_PT.sub(
            lambda m: (
                m.group(1).replace(".", "")
                + " reais"
                + (f" e {int(m.group(2))} centavos" if m.group(2) and int(m.group(2)) else "")
            ),
            text,
        )
        text = text.replace("%", " por cento")

    def one(m: re.Match[str]) -> str:
        token = m.group(0)
        thousands_sep = "," if language == "en" else "."
        token = re.sub(rf"(?<=\d)\{thousands_sep}(?=\d{{3}}\b)", "", token)
        if re.fullmatch(r"\d+", token):
            return " " + words(int(token)) + " "
        return " " + " ".join(words(int(part)) for part in re.split(r"[.,]", token) if part) + " "

    return _NUMBER.sub(one, text)


# -- synthesis -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Program:
    language: str
    wav: Path
    reference: str
    words: int
    duration_s: float
    scripts: int
    voices: tuple[str, ...]
    synthetic: bool  # False: the committed Opus fixtures were used (espeak-ng missing)
    #: The reference text of each script, in reading order (for per-script error counts).
    texts: tuple[str, ...] = ()
    #: How many copies of the same readings follow each other in ``wav`` (see ``bench_transcription --group``).
    copies: int = 1


def _read_pcm(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as w:
        assert w.getnchannels() == 1 and w.getsampwidth() == 2 and w.getframerate() == SAMPLE_RATE
        return np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)


def _write_pcm(path: Path, samples: np.ndarray) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(samples.astype(np.int16).tobytes())


def build_program(
    language: str, scripts: list[tuple[str, int, str]], dest: Path, ffmpeg: callable, fallback: tuple[Path, str]
) -> Program:
    """Synthesise ``scripts`` into one 16 kHz mono s16 WAV at ``dest`` with pauses between them.

    ``ffmpeg(args)`` runs ffmpeg (used to resample espeak-ng's 22.05 kHz output losslessly to
    16-bit 16 kHz).  Without espeak-ng, ``fallback`` (committed clip, its script) is decoded and
    looped six times instead, and ``synthetic`` is False.
    """
    work = dest.parent / f"{dest.stem}-parts"
    work.mkdir(parents=True, exist_ok=True)
    if ESPEAK is None:
        clip, script = fallback
        ffmpeg(
            ["-stream_loop", "5", "-i", str(clip), "-ac", "1", "-ar", str(SAMPLE_RATE), "-c:a", "pcm_s16le", str(dest)]
        )
        reference = " ".join([script.strip()] * 6)
        samples = _read_pcm(dest)
        return Program(
            language,
            dest,
            reference,
            len(reference.split()),
            len(samples) / SAMPLE_RATE,
            1,
            ("fixture",),
            False,
            (script.strip(),) * 6,
        )
    rng = np.random.default_rng(1234)
    pieces: list[np.ndarray] = [np.zeros(int(0.5 * SAMPLE_RATE), dtype=np.int16)]
    for i, (voice, wpm, text) in enumerate(scripts):
        raw, pcm = work / f"{i:02d}-raw.wav", work / f"{i:02d}.wav"
        subprocess.run([ESPEAK, "-v", voice, "-s", str(wpm), "-w", str(raw), text], check=True, capture_output=True)
        ffmpeg(["-i", str(raw), "-ac", "1", "-ar", str(SAMPLE_RATE), "-c:a", "pcm_s16le", str(pcm)])
        pieces.append(_read_pcm(pcm))
        pieces.append(np.zeros(int(rng.uniform(0.9, 1.6) * SAMPLE_RATE), dtype=np.int16))
    samples = np.concatenate(pieces)
    _write_pcm(dest, samples)
    reference = " ".join(text for _, _, text in scripts)
    return Program(
        language,
        dest,
        reference,
        len(reference.split()),
        len(samples) / SAMPLE_RATE,
        len(scripts),
        tuple(sorted({v for v, _, _ in scripts})),
        True,
        tuple(text for _, _, text in scripts),
    )
