"""Transcript-shaped text for the search benchmarks, from the project's own scripts only.

The sources are the speech fixtures' scripts (``vsl_assets_tests/data/speech_*.txt``), the
VSL scripts written for the transcription benchmark (``corpus.py``) and the Spanish and extra
sentences below, written for this file.  No third-party text.

A word-bigram chain per language is learnt from those sentences and walked to produce segments
of 8-22 words: every adjacent pair of words in a generated segment was said next to each other
in some script, so phrase queries ("money back", "garantia de") match at natural rates and word
frequencies follow the scripts' own (function words common, topic words rare).  Each VSL is one
60-minute transcript (900 segments of ~4 s by default) and sticks to a topic: it starts its
chain from the sentences of a few scripts, so vocabularies differ between VSLs as they do
between real ones.
"""

from __future__ import annotations

import itertools
import random
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from corpus import EN_SCRIPTS, EN_SCRIPTS_B, PT_SCRIPTS

DATA = Path(__file__).resolve().parent.parent / "vsl_assets_tests" / "data"

# Written for this benchmark (Spanish had no script in the repository; a few more in PT and EN).
ES_SENTENCES = """
¿Está cansado de dietas que nunca funcionan? Mi nombre es Lucía Romero y hace dos años pesaba noventa kilos.
Hoy quiero mostrarle el hábito sencillo que me ayudó a adelgazar doce kilos en cuatro meses sin pasar hambre.
Miles de mujeres ya lo probaron en su casa y los resultados aparecen desde la primera semana.
Mire este video hasta el final, porque el precio especial solo está disponible hoy.
Los médicos casi nunca hablan de esto, pero dormir mal está ligado al aumento de peso y a la falta de energía.
Nuestra fórmula natural combina magnesio, manzanilla y otras ocho plantas.
La mayoría de los clientes se duerme en menos de veinte minutos y se despierta descansada.
Un frasco dura treinta días y hoy usted lo recibe por solo cuarenta y nueve dólares.
Si no queda satisfecho, le devolvemos todo su dinero sin preguntas, con la garantía de sesenta días.
¿Y si usted pudiera ganar mil dólares más cada mes desde la mesa de su cocina?
Carlos Méndez era repartidor en Monterrey cuando descubrió un pequeño negocio en internet del que nadie habla.
En los próximos minutos él le va a explicar los tres pasos que siguió y los errores que cometió el primer año.
No necesita experiencia ni un gran presupuesto para empezar, solo un celular y una hora por día.
El dolor de espalda afecta a casi ocho de cada diez adultos en algún momento de la vida.
La fisioterapeuta Ana Torres creó una rutina de siete estiramientos suaves que usted puede hacer en la cama.
Sus pacientes sienten menos rigidez en las articulaciones después de una sola semana.
No hay pastillas, ni máquinas caras, ni gimnasio, solo diez minutos cada mañana.
Imagine pagar sus tarjetas de crédito dos años antes de lo previsto.
El asesor financiero Jorge Ruiz le mostrará el plan exacto que usó para pagar cincuenta mil dólares de deudas.
Usted va a aprender qué cuentas pagar primero y cómo hablar con su banco para bajar los intereses.
Aprender un idioma nuevo no tiene que llevar años.
La profesora Marta Vidal creó un método que usa quince minutos al día y las canciones que usted ya conoce.
Sus alumnos en Madrid, Bogotá y Lima llegaron a una conversación básica en solo ocho semanas.
Haga clic en el botón naranja debajo de este video y asegure su lugar ahora mismo.
Gracias por ver esta presentación; esto es todo lo que recibe hoy con el acceso al programa completo.
El precio normal es de ciento noventa y siete dólares, pero durante la próxima hora es de solo sesenta y siete.
Los cupos son limitados y la oferta termina cuando el contador llegue a cero.
Este descubrimiento de una universidad cambió la forma en que los investigadores tratan la diabetes.
El azúcar en la sangre baja de forma natural cuando usted sigue estos tres pasos después de cenar.
Su corazón, su presión y su cuerpo entero se lo van a agradecer.
Muchas personas me preguntan si el tratamiento es seguro, y la respuesta es sí: los ingredientes son naturales.
Cada cápsula tiene la dosis exacta que usaron en el estudio con más de dos mil voluntarios.
Elija el kit de seis frascos y reciba el envío gratis con un descuento de cincuenta por ciento.
Yo también dudé al principio, hasta que vi los testimonios de clientes reales como usted.
No deje para mañana la decisión que puede cambiar su salud y la de su familia.
"""
PT_SENTENCES = """
Você já tentou de tudo para emagrecer e nada funcionou? Eu também passei por isso durante anos.
Neste vídeo eu vou mostrar o segredo que os médicos não contam sobre a gordura da barriga.
Milhares de mulheres já usaram este método simples em casa e perderam peso sem passar fome.
A garantia é de trinta dias: se você não gostar, devolvemos todo o seu dinheiro.
Clique no botão abaixo deste vídeo agora, porque as vagas são limitadas e a oferta acaba hoje.
O preço normal é de quatrocentos e noventa e sete reais, mas só hoje você paga cento e noventa e sete.
Pesquisadores de uma universidade descobriram que o açúcar no sangue cai quando você dorme melhor.
Cada cápsula tem os ingredientes naturais na dose certa, e um frasco dura um mês inteiro.
Eu era vendedora numa loja do centro quando descobri como ganhar uma renda extra pela internet.
Com apenas um celular e uma hora por dia você pode começar o seu próprio negócio.
"""
EN_SENTENCES = """
Have you tried every diet out there and still can't lose the belly fat? I was in the same place.
In this video I'll reveal the secret doctors don't tell you about blood sugar and sleep.
Every order comes with our sixty day money back guarantee, so you risk nothing today.
Click the button below this video now, because the spots are limited and the offer ends tonight.
Researchers at a university discovered that the natural ingredients in this formula support healthy joints.
I was a cashier at a grocery store when I found a way to earn extra income online from my phone.
"""

_SENTENCE_END = re.compile(r"(?<=[.?!;:])\s+")


def sentences(language: str) -> list[str]:
    """Every written sentence of a language, as lists of words ready for the chain."""
    texts: list[str] = []
    if language == "en":
        texts += [t for _, _, t in EN_SCRIPTS + EN_SCRIPTS_B] + [EN_SENTENCES]
        texts.append((DATA / "speech_en.txt").read_text(encoding="utf-8"))
    elif language == "pt":
        texts += [t for _, _, t in PT_SCRIPTS] + [PT_SENTENCES]
        texts.append((DATA / "speech_pt.txt").read_text(encoding="utf-8"))
    else:
        texts.append(ES_SENTENCES)
    out: list[str] = []
    for text in texts:
        out += [s.strip() for s in _SENTENCE_END.split(" ".join(text.split())) if len(s.split()) >= 3]
    return out


@dataclass
class Chain:
    """Word bigrams of one language: ``follow[w]`` lists every word said after ``w`` (with repeats)."""

    starts: list[str]
    follow: dict[str, list[str]]

    @classmethod
    def learn(cls, sents: list[str]) -> Chain:
        follow: dict[str, list[str]] = defaultdict(list)
        starts = []
        for s in sents:
            ws = s.split()
            starts.append(ws[0])
            for a, b in itertools.pairwise(ws):
                follow[a].append(b)
        return cls(starts, dict(follow))

    def segment(self, rng: random.Random, n_words: int) -> str:
        w = rng.choice(self.starts)
        out = [w]
        while len(out) < n_words:
            nxt = self.follow.get(w)
            w = rng.choice(nxt) if nxt else rng.choice(self.starts)
            out.append(w)
        text = " ".join(out)
        return text[0].upper() + text[1:]


def chains(topics_per_vsl: int = 3) -> dict[str, tuple[Chain, list[list[str]]]]:
    """Per language: the chain over all its sentences, and sentence groups (topics) for VSLs."""
    out = {}
    for lang in ("pt", "en", "es"):
        sents = sentences(lang)
        groups = [sents[i : i + 4] for i in range(0, len(sents), 4)]
        out[lang] = (Chain.learn(sents), groups)
    return out


def vsl_segments(rng: random.Random, lang_chain: tuple[Chain, list[list[str]]], n: int) -> list[str]:
    """One VSL's segment texts: a topic chain (a few sentence groups) mixed with the whole language's."""
    whole, groups = lang_chain
    picked = [s for g in rng.sample(groups, k=min(3, len(groups))) for s in g]
    topic = Chain.learn(picked)
    return [(topic if rng.random() < 0.6 else whole).segment(rng, rng.randint(8, 22)) for _ in range(n)]
