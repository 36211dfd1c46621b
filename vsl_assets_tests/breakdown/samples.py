"""Small hand-written VSL transcripts for the breakdown tests (not the benchmark set).

Each line is one segment; segments are timed back to back from the line's word count at 150 words
per minute, like a TXT transcript, so the tests can reason about where each beat starts.
"""

from __future__ import annotations

from vsl_assets.breakdown.models import Breakdown
from vsl_assets.transcription.models import Segment


def timed(lines: list[str], words_per_minute: float = 150.0) -> list[Segment]:
    out: list[Segment] = []
    t = 0.0
    for line in lines:
        d = round(len(line.split()) * 60.0 / words_per_minute, 2)
        out.append(Segment(start=round(t, 2), end=round(t + d, 2), text=line))
        t = round(t + d, 2)
    return out


#: A body with no lead cue of its own, so the opening alone decides (:func:`read_opening`).
NEUTRAL_BODY = {
    "en": "Here is how the work is split, step by step, across the week.",
    "pt": "Aqui está como o trabalho se divide, passo a passo, ao longo da semana.",
    "es": "Así se reparte el trabajo, paso a paso, a lo largo de la semana.",
}


def niche_hits(niche: str, language: str, text: str) -> int:
    """How many times ``niche``'s keywords (one sub-niche, ``"top/sub"``) match ``text`` in ``language``."""
    from vsl_assets.breakdown.taxonomy import fold, load_taxonomy

    sub = next(s for s in load_taxonomy().subs if s.niche == niche)
    pattern = sub.patterns[language]
    return 0 if pattern is None else len(pattern.findall(fold(text)))


def top_niche(language: str, lines: list[str]) -> str | None:
    """The top niche (``"health"`` of ``"health/joints"``) the engine reads in ``lines``, or None."""
    from vsl_assets.breakdown.engine import analyze

    niche = analyze(timed(lines), language).niche
    return None if niche is None else niche.split("/")[0]


def read_opening(language: str, *opening: str) -> Breakdown:
    """The breakdown of ``opening`` followed by a neutral body: what the opening alone makes of the lead."""
    from vsl_assets.breakdown.engine import analyze

    return analyze(timed([*opening, *[NEUTRAL_BODY[language]] * 12]), language)


#: Joint pain, story lead, Portuguese; spelled-out prices with instalments and a 30-day guarantee.
PT_JOINTS = [
    "Há três anos eu não conseguia subir a escada da minha própria casa sem segurar no corrimão e chorar de dor.",
    "Eu lembro do dia em que o meu neto me chamou para brincar no quintal e eu tive que dizer que não.",
    "Meu nome é Vera, eu fui costureira a vida inteira, e os meus joelhos simplesmente pararam.",
    "O ortopedista falou em artrose, me passou anti-inflamatório e disse que era coisa da idade.",
    "Se você sente essa dor nos joelhos de manhã, essa rigidez que não deixa você levantar da cama, você sabe do que "
    "eu estou falando.",
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
    "You've probably tried the cheap hearing amplifiers from the drugstore, and they just make everything louder and "
    "more confusing.",
    "And hearing aids cost thousands of dollars, they whistle, and they make you feel old.",
    "Researchers at a university in Oregon discovered that the problem often isn't the ear at all.",
    "It's the tiny nerve cells that carry sound to the brain, and they need a specific nutrient to fire.",
    "I call it the sound bridge, and when the sound bridge weakens, words turn into noise.",
    "In one study, older adults who took these nutrients for eight weeks understood thirty percent more words in a "
    "noisy room.",
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

#: Proclamation lead, unaware, English, wealth/other; yearly newsletter price and no guarantee.
EN_PROCLAMATION = [
    "Warning: in the next ninety days the way millions of retirees get paid is going to change for good.",
    "And almost nobody in the news is talking about it, even though it touches every checking account in the country.",
    "My name is Paul Grant, I spent twenty years inside the banking system, and I left to say what I saw.",
    "Here's the thing, most families have no savings for an emergency and carry credit card debt they can't pay off.",
    "When the change hits, people without a plan will pay more in fees and lose part of their benefits.",
    "I call it the quiet reset, and it works like a switch inside the payment system.",
    "Over forty thousand readers already follow my research, and many told me it saved them real money.",
    "That's why I created The Reset Report, a monthly letter with the exact steps to protect your savings.",
    "A year of The Reset Report normally costs $199, but today it's only $29.",
    "Click the button below to join now.",
]

#: Big secret lead, Portuguese, health/sleep; price in reais, 7-day guarantee said with "dinheiro de volta".
PT_SLEEP = [
    "Existe um truque de trinta segundos que os monges do Tibete usam para dormir a noite inteira, e quase ninguém "
    "conhece.",
    "Eu vou te revelar esse segredo daqui a pouco, mas antes você precisa entender por que ele funciona.",
    "Se você acorda de madrugada e fica olhando para o teto, com a cabeça a mil, você sabe do que eu estou falando.",
    "Você já tentou remédio para dormir, chá de camomila, melatonina, e acorda cansado do mesmo jeito.",
    "Os pesquisadores descobriram que o problema é um nervo que fica ligado à noite, o que eles chamam de alarme "
    "noturno.",
    "A dona Cecília, de sessenta e oito anos, voltou a dormir oito horas seguidas em uma semana.",
    "Por isso eu criei o Sono Profundo, um áudio guiado com o truque dos monges passo a passo.",
    "O valor é só R$ 47, pagamento único.",
    "E você tem sete dias para testar, se não gostar eu devolvo o seu dinheiro.",
    "Clique no botão aqui embaixo e durma bem ainda hoje.",
]

#: Promise lead, Spanish, self_improvement/productivity; price in euros, 30-day guarantee.
ES_PRODUCTIVITY = [
    "En treinta días vas a terminar tus pendientes antes del mediodía, sin procrastinar y sin trabajar más horas.",
    "Te voy a mostrar cómo lo hacen cientos de profesionales con un método de quince minutos por la mañana.",
    "Seguramente ya probaste listas de tareas, aplicaciones y agendas de colores, y al final del día sigues con todo "
    "a medias.",
    "Las notificaciones del celular y las redes sociales te roban la concentración cada pocos minutos.",
    "Lo que yo enseño se llama el bloque de enfoque, tres bloques cortos sin distracciones en el orden correcto.",
    "Más de dos mil alumnos ya lo aplican, y Lucía me dijo que por fin sale de la oficina a su hora.",
    "Todo está en el curso Mañana Productiva, con plantillas y ejercicios diarios.",
    "El curso normalmente cuesta 99 euros, pero esta semana puedes entrar por 39 euros.",
    "Tienes treinta días de garantía, si no te sirve te devuelvo el dinero.",
    "Pulsa el botón de abajo y empieza mañana mismo.",
]

#: Story lead, English, relationships/marriage; spelled-out price, 60-day guarantee.
EN_MARRIAGE = [
    "Eight months ago my wife looked at me across the kitchen table and said she wanted a divorce.",
    "I remember the sound of the fridge humming, because neither of us said a word for a full minute.",
    "We had been married for nineteen years, two kids, a mortgage, and somewhere along the way we stopped talking.",
    "Maybe your marriage feels like that too, you live like roommates, every conversation turns into an argument.",
    "A couples therapist finally explained it to us, she calls it the distance loop, and it's why small fights grow.",
    "Today we're closer than on our wedding day, and over three thousand couples have used what we learned.",
    "I put everything into a program called Marriage Reset, twenty short lessons you do together.",
    "It's just forty-seven dollars, one time.",
    "And you have a sixty-day money-back guarantee.",
    "Click the button below and start tonight.",
]


#: Openings only (the lead is read from the hook), two per lead type, phrased unlike the other samples.
OPENINGS: list[tuple[str, str, list[str]]] = [
    (
        "en",
        "story",
        [
            "It was two in the morning when my phone rang and my sister was crying on the other end.",
            "She had just come back from the doctor, and what he told her changed our whole family.",
            "I was a high school teacher back then, I knew nothing about medicine.",
        ],
    ),
    (
        "pt",
        "story",
        [
            "Quando eu tinha vinte e três anos eu perdi tudo o que eu tinha num único fim de semana.",
            "O meu sócio sumiu com o dinheiro da empresa e me deixou com as dívidas.",
            "Eu dormi três noites no carro, e foi lá que tudo começou a mudar.",
        ],
    ),
    (
        "es",
        "story",
        [
            "La primera vez que vi a mi papá llorar fue en la sala de espera de un hospital.",
            "El médico le había dicho que tenía que operarse de la rodilla o usar bastón para siempre.",
            "Yo tenía diecinueve años y no sabía qué hacer.",
        ],
    ),
    (
        "en",
        "promise",
        [
            "By this time next month you could be waking up with more energy than you had at thirty.",
            "Without coffee, without crazy diets, and without spending hours at the gym.",
            "Stick with me for a few minutes and I'll show you exactly how.",
        ],
    ),
    (
        "pt",
        "promise",
        [
            "Daqui a sete dias você pode estar falando em público com segurança, mesmo que hoje você trave só de "
            "pensar.",
            "E você não vai precisar decorar texto nem fazer curso caro.",
            "Eu vou te mostrar o passo a passo neste vídeo.",
        ],
    ),
    (
        "es",
        "promise",
        [
            "Imagina levantarte mañana sin ese dolor en la espalda que te acompaña desde hace años.",
            "En solo dos semanas puedes volver a agacharte, cargar a tus nietos y dormir de corrido.",
            "Y te voy a enseñar cómo, paso a paso.",
        ],
    ),
    (
        "en",
        "problem_solution",
        [
            "If you've been trying to lose weight for years and the scale just won't move, this is for you.",
            "You've counted calories, you've tried keto, you've skipped dinner, and you still feel stuck.",
            "There is a reason, and there is a simple fix.",
        ],
    ),
    (
        "pt",
        "problem_solution",
        [
            "Você sente queimação no estômago toda vez que come e já não aguenta mais tomar omeprazol?",
            "Você corta café, corta fritura, e a azia continua ali.",
            "Existe uma explicação para isso, e uma solução que pouca gente conhece.",
        ],
    ),
    (
        "es",
        "problem_solution",
        [
            "¿Te cuesta quedarte dormido aunque estés agotado?",
            "Das vueltas en la cama, miras el reloj a las tres de la mañana y sabes que al día siguiente vas a estar "
            "destruido.",
            "Hay una razón para eso, y tiene solución.",
        ],
    ),
    (
        "en",
        "big_secret",
        [
            "There's a little-known kitchen spice that Japanese doctors have used for centuries to keep blood sugar "
            "steady.",
            "Big pharma doesn't want you to know about it, because it costs pennies.",
            "In a moment I'll reveal what it is.",
        ],
    ),
    (
        "pt",
        "big_secret",
        [
            "Existe um segredo que os bancos escondem de você há décadas.",
            "Um truque simples que os ricos usam para pagar menos imposto e fazer o dinheiro render.",
            "E hoje eu vou revelar esse segredo para você.",
        ],
    ),
    (
        "es",
        "big_secret",
        [
            "Hay un secreto que los entrenadores de Hollywood no le cuentan a nadie.",
            "Un ejercicio extraño de cuatro minutos que derrite la grasa del abdomen.",
            "Y hoy te lo voy a revelar.",
        ],
    ),
    (
        "en",
        "proclamation",
        [
            "Ninety-two percent of people who start a diet this year will weigh more twelve months from now.",
            "That's not my opinion, that's what the research shows.",
            "And the reason has nothing to do with willpower.",
        ],
    ),
    (
        "pt",
        "proclamation",
        [
            "Atenção: a partir de janeiro a sua aposentadoria pode valer muito menos do que você imagina.",
            "Uma mudança silenciosa aprovada em Brasília vai afetar milhões de brasileiros.",
            "E quase ninguém está falando disso.",
        ],
    ),
    (
        "es",
        "proclamation",
        [
            "El dólar va a cambiar para siempre en los próximos doce meses.",
            "Y la mayoría de la gente en Latinoamérica no está preparada.",
            "Lo que voy a contarte puede proteger tus ahorros.",
        ],
    ),
    (
        "en",
        "offer",
        [
            "Right now you can get the complete Home Yoga Kit for half price, but only until Friday.",
            "That's all twelve classes, the mat guide and the breathing course for just $49.",
            "Let me show you what's inside.",
        ],
    ),
    (
        "pt",
        "offer",
        [
            "Hoje é o último dia da Black Friday do Método Leve, com setenta por cento de desconto.",
            "Em vez de quatrocentos e noventa e sete reais você entra por cento e quarenta e sete.",
            "Deixa eu te mostrar tudo que você recebe.",
        ],
    ),
    (
        "es",
        "offer",
        [
            "Por tiempo limitado puedes llevarte el Kit Piel Nueva con cincuenta por ciento de descuento.",
            "Son tres productos por solo 39 dólares con envío gratis.",
            "Te cuento lo que incluye.",
        ],
    ),
    # a second batch, written after the first, mostly English
    (
        "en",
        "story",
        [
            "Last spring, my husband came home from his annual checkup, sat down at the kitchen table, and didn't say "
            "a word.",
            "He slid a piece of paper across to me, and the number at the top made my stomach drop.",
            "You see, Richard had always been the healthy one in our family.",
        ],
    ),
    (
        "en",
        "story",
        [
            "When I was twenty-six, I was fired from my job in front of the whole office.",
            "I packed my things into a cardboard box and drove home in silence.",
            "That night I made a decision that would change my life.",
        ],
    ),
    (
        "en",
        "story",
        [
            "Let me tell you about the day my grandfather forgot my name.",
            "We were sitting on his porch, like we did every Sunday, and he looked at me like a stranger.",
            "I'll never forget that look.",
        ],
    ),
    (
        "en",
        "promise",
        [
            "Give me just twenty-one days, and I'll help you drop the stubborn belly fat you've been fighting for "
            "years.",
            "You'll sleep better, you'll have more energy, and your clothes will fit again.",
            "And you'll do it while still eating the foods you love.",
        ],
    ),
    (
        "en",
        "promise",
        [
            "What if you could earn an extra thousand dollars every month, working just one hour a day from your "
            "kitchen table?",
            "That's exactly what I'm going to show you in this short presentation.",
            "No experience needed, and no selling to friends and family.",
        ],
    ),
    (
        "en",
        "problem_solution",
        [
            "Do your knees crack and ache every time you climb the stairs?",
            "Does getting up from the couch feel like a workout?",
            "If so, you're not alone, and it's not just old age.",
        ],
    ),
    (
        "en",
        "problem_solution",
        [
            "Tired of lying awake at night with your mind racing?",
            "Sick of waking up exhausted no matter how early you go to bed?",
            "Then pay close attention, because what you're about to discover could finally give you the rest you "
            "deserve.",
        ],
    ),
    (
        "en",
        "big_secret",
        [
            "A strange ten-second ritual discovered deep in the Amazon is helping men over fifty restore their energy "
            "and drive.",
            "Doctors are baffled, and the supplement industry is furious.",
            "Keep watching, because I'm about to reveal it.",
        ],
    ),
    (
        "en",
        "big_secret",
        [
            "There's a hidden reason you can't lose weight, and it has nothing to do with how much you eat.",
            "Scientists at Harvard recently uncovered it, but you won't hear about it from your doctor.",
            "In the next few minutes I'll show you what it is.",
        ],
    ),
    (
        "en",
        "proclamation",
        [
            "The retirement system as we know it is about to collapse.",
            "By 2030, experts predict millions of Americans will run out of savings.",
            "And the government is quietly preparing for it.",
        ],
    ),
    (
        "en",
        "proclamation",
        [
            "Everything you've been told about cholesterol is wrong.",
            "For fifty years doctors have been fighting the wrong enemy.",
            "And a landmark new study finally proves it.",
        ],
    ),
    (
        "en",
        "offer",
        [
            "For the next 48 hours only, you can get our best-selling collagen formula at forty percent off.",
            "That's the lowest price we've ever offered, and it comes with free shipping.",
            "Here's everything you get when you order today.",
        ],
    ),
    (
        "en",
        "offer",
        [
            "This is your last chance to grab the Complete Guitar Course before the price goes up tomorrow.",
            "Right now it's just $67 instead of $197.",
            "Let me walk you through exactly what's inside.",
        ],
    ),
    (
        "pt",
        "story",
        [
            "Há dois anos a minha filha chegou em casa chorando da escola.",
            "Ela tinha sido chamada de gorda na frente da turma inteira.",
            "E naquele dia eu prometi que ia ajudar ela, custasse o que custasse.",
        ],
    ),
    (
        "pt",
        "proclamation",
        [
            "O que eu vou te contar agora vai mudar a forma como você enxerga o dinheiro.",
            "Nos próximos dois anos o Pix vai substituir o cartão de crédito no Brasil.",
            "E quem não se preparar vai ficar para trás.",
        ],
    ),
    (
        "pt",
        "problem_solution",
        [
            "Cansada de passar cremes caros e ver as rugas aumentando a cada ano?",
            "Você olha no espelho e não reconhece mais o seu rosto.",
            "Eu sei como é, e existe uma saída.",
        ],
    ),
    (
        "es",
        "story",
        [
            "Nunca voy a olvidar la noche en que mi esposa me pidió el divorcio.",
            "Estábamos cenando con los niños y ella simplemente se levantó de la mesa.",
            "Esa noche dormí en el sofá y no pegué el ojo.",
        ],
    ),
    (
        "es",
        "proclamation",
        [
            "Lo que los bancos están a punto de hacer con tus ahorros es algo que nunca se había visto.",
            "En menos de un año las cuentas en dólares van a cambiar para siempre.",
            "Y casi nadie se está preparando.",
        ],
    ),
    (
        "es",
        "promise",
        [
            "Dame solo diez minutos al día y en un mes vas a hablar inglés con confianza.",
            "Sin clases aburridas, sin memorizar listas de palabras.",
            "Te lo voy a demostrar en este video.",
        ],
    ),
    # openings that start with a self-introduction, which is not a story lead
    (
        "en",
        "proclamation",
        [
            "My name is Dr. Ken Walsh, and I'm here to warn you that the way Americans retire is about to change.",
            "By 2030, millions of people will discover their savings are worth far less than they think.",
            "And almost nobody is paying attention.",
        ],
    ),
    (
        "pt",
        "promise",
        [
            "Meu nome é Júlia e em trinta dias eu vou te ensinar a tocar as suas primeiras músicas no violão.",
            "Mesmo que você nunca tenha pegado num instrumento na vida.",
            "Você vai ver como é mais simples do que parece.",
        ],
    ),
    (
        "es",
        "big_secret",
        [
            "Me llamo Andrés y hoy voy a revelarte el secreto que usan los vendedores de autos para cerrar cualquier "
            "venta.",
            "Un truco que casi nadie conoce y que nadie enseña en la universidad.",
            "Quédate conmigo porque vale la pena.",
        ],
    ),
]
