"""Small hand-written VSL transcripts for the breakdown tests (not the benchmark set).

Each line is one segment; segments are timed back to back from the line's word count at 150 words
per minute, like a TXT transcript, so the tests can reason about where each beat starts.
"""

from __future__ import annotations

from vsl_assets.transcription.models import Segment


def timed(lines: list[str], words_per_minute: float = 150.0) -> list[Segment]:
    out: list[Segment] = []
    t = 0.0
    for line in lines:
        d = round(len(line.split()) * 60.0 / words_per_minute, 2)
        out.append(Segment(start=round(t, 2), end=round(t + d, 2), text=line))
        t = round(t + d, 2)
    return out


#: Joint pain, story lead, Portuguese; spelled-out prices with instalments and a 30-day guarantee.
PT_JOINTS = [
    "Há três anos eu não conseguia subir a escada da minha própria casa sem segurar no corrimão e chorar de dor.",
    "Eu lembro do dia em que o meu neto me chamou para brincar no quintal e eu tive que dizer que não.",
    "Meu nome é Vera, eu fui costureira a vida inteira, e os meus joelhos simplesmente pararam.",
    "O ortopedista falou em artrose, me passou anti-inflamatório e disse que era coisa da idade.",
    "Se você sente essa dor nos joelhos de manhã, essa rigidez que não deixa você levantar da cama, você sabe do que eu estou falando.",
    "E o pior é que o remédio resolve por umas horas e depois a dor volta mais forte.",
    "Os pesquisadores descobriram que a cartilagem não se desgasta só pela idade, ela seca por falta de um nutriente.",
    "Eles chamam isso de sede da cartilagem, e enquanto ela não é tratada nenhum anti-inflamatório resolve.",
    "A dona Lurdes, de setenta e um anos, voltou a caminhar na praia depois de três semanas.",
    "Mais de quatro mil pessoas já usaram e me mandaram mensagens contando o resultado.",
    "Foi assim que nasceu o FlexiJunta, uma cápsula com colágeno tipo dois e cúrcuma na dose certa.",
    "E quem pedir hoje ainda recebe de presente o guia de alongamentos para fazer em casa.",
    "O tratamento completo custava quatrocentos e noventa e sete reais na farmácia de manipulação.",
    "Mas hoje você leva por doze vezes de dezenove e setenta, ou cento e noventa e sete reais à vista.",
    "E você tem trinta dias de garantia, se não sentir diferença a gente devolve o seu dinheiro.",
    "Então clica no botão aqui embaixo e garanta o seu FlexiJunta agora.",
    "O estoque desse lote é limitado e acaba muito rápido.",
]

#: Hearing, problem-solution lead, English; digit prices and a 60-day money-back guarantee.
EN_HEARING = [
    "Do you turn up the TV so loud that your family complains from the other room?",
    "Do you smile and nod at dinner because you didn't catch what your grandkids just said?",
    "If that sounds like you, stay with me, because today I'll show you why it happens and what you can do about it.",
    "You've probably tried the cheap hearing amplifiers from the drugstore, and they just make everything louder and more confusing.",
    "And hearing aids cost thousands of dollars, they whistle, and they make you feel old.",
    "Researchers at a university in Oregon discovered that the problem often isn't the ear at all.",
    "It's the tiny nerve cells that carry sound to the brain, and they need a specific nutrient to fire.",
    "I call it the sound bridge, and when the sound bridge weakens, words turn into noise.",
    "In one study, older adults who took these nutrients for eight weeks understood thirty percent more words in a noisy room.",
    "Tom from Ohio told me he heard birds in his garden for the first time in ten years.",
    "That's why we created ClearEar, a daily capsule with the exact nutrients from the study.",
    "A bottle like this normally costs $89 in stores, but today you can get ClearEar for just $49.",
    "And you're covered by our 60-day money-back guarantee, so there's no risk at all.",
    "Click the button below this video now to claim your bottle of ClearEar.",
]

#: Dating, offer lead, Spanish; price in the opening, bare "$" said as dólares, 7-day guarantee.
ES_DATING = [
    "Por solo 19 dólares hoy te llevas el curso completo Cita Segura, con descuento de lanzamiento.",
    "Si ya me sigues en Instagram ya sabes de qué se trata, así que voy directo al grano.",
    "Son cinco módulos con mensajes listos para que ella te conteste y acepte salir contigo.",
    "Muchos hombres mandan mensajes aburridos y ella deja de contestar, y la atracción se muere.",
    "Con Cita Segura aprendes qué escribir en cada etapa de la conversación hasta la primera cita.",
    "Más de dos mil alumnos ya consiguieron su primera cita en menos de dos semanas.",
    "El precio normal es de $49, pero esta semana lo dejamos en $19.",
    "Y tienes siete días de garantía, si no te gusta te devolvemos tu dinero.",
    "Haz clic en el botón de abajo y empieza hoy mismo.",
]
