"""The UI in English and Brazilian Portuguese: messages, numbers, dates and money per locale.

Small on purpose (no gettext catalogs to compile): one dict per language, and formatting rules
for the two locales the app speaks.  The language comes from the ``vsl_lang`` cookie, else the
browser's Accept-Language, else English.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jinja2 import Environment

from vsl_assets.core.humanize import clock

LANGUAGES = ("en", "pt-BR")
LANG_COOKIE = "vsl_lang"

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "role:offer": "offer",
        "role:anchor": "anchor",
        "role:rejected": "rejected",
        "role:installment": "installment",
        "role:alternative": "alternative",
        "role:per_period": "per period",
        "role:comparison": "comparison",
        "role:income": "income",
        "role:bonus_value": "bonus value",
        "role:other": "other",
    },
    "pt-BR": {
        "Library": "Biblioteca",
        "Search": "Busca",
        "Add": "Adicionar",
        "Queue": "Fila",
        "Boards": "Quadros",
        "Log out": "Sair",
        "API tokens": "Tokens de API",
        "Tokens": "Tokens",
        "Copy this token now: it is shown only once.": "Copie este token agora: ele aparece só uma vez.",
        "Send it as": "Envie como",
        "What it is for": "Para que serve",
        "Scope": "Escopo",
        "read: list, search, media": "leitura: listar, buscar, mídia",
        "write: also add, retry, edit": "escrita: também adicionar, tentar de novo, editar",
        "Expires": "Expira",
        "30 days": "30 dias",
        "90 days": "90 dias",
        "1 year": "1 ano",
        "never": "nunca",
        "New token": "Novo token",
        "Created": "Criado",
        "Last used": "Último uso",
        "active": "ativo",
        "revoked": "revogado",
        "expired": "expirado",
        "Revoke": "Revogar",
        "Sessions": "Sessões",
        "Log out everywhere": "Sair de todos os lugares",
        "Ends every signed-in browser of yours, this one included.": "Encerra todos os seus navegadores conectados, inclusive este.",
        "Showing": "Mostrando",
        "line(s) not taken": "linha(s) não aceitas",
        "at most": "no máximo",
        "URLs per add; they are back in the box above: send them again.": "URLs por envio; elas voltaram para a caixa acima: envie de novo.",
        "Log in": "Entrar",
        "User": "Usuário",
        "Password": "Senha",
        "Wrong user name or password.": "Usuário ou senha incorretos.",
        "Status": "Status",
        "Language": "Idioma",
        "Niche": "Nicho",
        "Lead": "Lead",
        "Awareness": "Consciência",
        "Duration": "Duração",
        "Price": "Preço",
        "Sort": "Ordenar",
        "Newest": "Mais recentes",
        "Oldest": "Mais antigos",
        "Shortest": "Mais curtos",
        "Longest": "Mais longos",
        "Cheapest": "Mais baratos",
        "Priciest": "Mais caros",
        "Title": "Título",
        "Filter": "Filtrar",
        "Clear": "Limpar",
        "any": "qualquer",
        "Text in title or URL": "Texto no título ou URL",
        "min (minutes)": "mín (minutos)",
        "max (minutes)": "máx (minutos)",
        "Next": "Próxima",
        "Previous": "Anterior",
        "VSLs": "VSLs",
        "No VSL matches.": "Nenhuma VSL encontrada.",
        'Words, "a phrase", prefix*': 'Palavras, "uma frase", prefixo*',
        "hit(s)": "trecho(s)",
        "No match.": "Nada encontrado.",
        "Transcript": "Transcrição",
        "Search in transcript": "Buscar na transcrição",
        "Breakdown": "Análise",
        "Beats": "Blocos",
        "Pitch (transcript)": "Pitch (transcrição)",
        "Pitch (page)": "Pitch (página)",
        "Offer": "Oferta",
        "Anchor": "Âncora",
        "Guarantee": "Garantia",
        "days": "dias",
        "Hook": "Gancho",
        "Product": "Produto",
        "Mechanism": "Mecanismo",
        "Evidence": "Evidências",
        "not sure": "não tenho certeza",
        "confidence": "confiança",
        "Product named": "Produto nomeado",
        "Where the offer section starts": "Onde começa a seção da oferta",
        "Where the page revealed its buy button": "Onde a página mostrou o botão de compra",
        "Where the product is first named": "Onde o produto é nomeado pela primeira vez",
        "Prices said": "Preços citados",
        "role:offer": "oferta",
        "role:anchor": "âncora",
        "role:rejected": "descartado",
        "role:installment": "parcela",
        "role:alternative": "alternativa",
        "role:per_period": "por período",
        "role:comparison": "comparação",
        "role:income": "ganhos",
        "role:bonus_value": "valor do bônus",
        "role:other": "outro",
        "Downloads": "Downloads",
        "Copy link to this moment": "Copiar link deste momento",
        "Link copied": "Link copiado",
        "Jobs": "Execuções",
        "Failures": "Falhas",
        "Retry": "Tentar de novo",
        "Queue again": "Reprocessar",
        "Paste URLs, one per line": "Cole as URLs, uma por linha",
        "Add URLs": "Adicionar URLs",
        "Detect": "Detectar",
        "check transcript": "revisar transcrição",
        "speech covered": "fala coberta",
        "Transcribe again": "Transcrever de novo",
        "ahead": "na frente",
        "ETA": "previsão",
        "stalled": "travada",
        "Needs review": "Precisa revisar",
        "low confidence": "baixa confiança",
        "Running": "Em andamento",
        "Pending": "Pendentes",
        "Failed": "Com falha",
        "Nothing here.": "Nada aqui.",
        "New board": "Novo quadro",
        "Name": "Nome",
        "Note": "Nota",
        "Tags (comma separated)": "Tags (separadas por vírgula)",
        "Add to board": "Adicionar ao quadro",
        "Create": "Criar",
        "Save": "Salvar",
        "Remove": "Remover",
        "No video stored yet.": "Nenhum vídeo armazenado ainda.",
        "Player": "Player",
        "Added": "Adicionada",
        "Reason": "Motivo",
        "Progress": "Progresso",
        "Size": "Tamanho",
        "Page": "Página",
        "of": "de",
        "Video": "Vídeo",
        "Audio": "Áudio",
        "Invalid": "Inválida",
        "Will be refused": "Será recusada",
        "already known": "já conhecida",
        "added": "adicionada",
        "pending_ingest": "pendente",
        "queued": "na fila",
        "downloading": "baixando",
        "downloaded": "baixada",
        "transcribing": "transcrevendo",
        "transcribed": "transcrita",
        "analyzing": "analisando",
        "analyzed": "analisada",
        "failed": "falhou",
    },
}


def pick_language(cookie: str | None, accept_language: str | None) -> str:
    if cookie in LANGUAGES:
        return str(cookie)
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("pt"):
            return "pt-BR"
        if tag.startswith("en"):
            return "en"
    return "en"


def translate(lang: str, text: str) -> str:
    return MESSAGES.get(lang, {}).get(text, text)


def _group(number: float, decimals: int, lang: str) -> str:
    text = f"{number:,.{decimals}f}"
    if lang == "pt-BR":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def fmt_number(lang: str, value: float | int | None, decimals: int = 0) -> str:
    return "" if value is None else _group(float(value), decimals, lang)


_SYMBOLS = {"BRL": "R$", "USD": "US$", "EUR": "€", "GBP": "£", "MXN": "MX$"}


def fmt_money(lang: str, amount: float | None, currency: str | None) -> str:
    """``R$ 1.997,00`` in pt-BR, ``R$1,997.00`` in English; no currency said: the bare amount."""
    if amount is None:
        return ""
    number = _group(amount, 2, lang)
    if not currency:
        return number
    symbol = _SYMBOLS.get(currency.upper(), currency.upper() + " ")
    if lang == "pt-BR":
        return f"{symbol.strip()} {number}"
    return f"{symbol}{number}"


def fmt_date(lang: str, value: datetime | None) -> str:
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y %H:%M") if lang == "pt-BR" else value.strftime("%Y-%m-%d %H:%M")


def fmt_clock(value: float | None) -> str:
    return "" if value is None else clock(value)


def install(env: Environment) -> None:
    """Filters the templates use; each takes the page's language as its first argument."""
    env.globals["translate"] = translate
    env.filters["clock"] = fmt_clock
    env.globals["fmt_number"] = fmt_number
    env.globals["fmt_money"] = fmt_money
    env.globals["fmt_date"] = fmt_date


def template_helpers(lang: str) -> dict[str, Any]:
    return {
        "lang": lang,
        "_": lambda text: translate(lang, text),
        "num": lambda value, decimals=0: fmt_number(lang, value, decimals),
        "money": lambda amount, currency: fmt_money(lang, amount, currency),
        "date": lambda value: fmt_date(lang, value),
    }
