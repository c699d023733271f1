"""What a patient is told when a flag is raised, in English and Spanish.

The message says who was alerted and nothing more: "your care team has been
alerted" only when a notification was written for the care team.
"""

from typing import Literal

Sees = Literal["entry", "flag_only", "answers"]

_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "opening": "What you wrote suggests you may be going through something very hard.",
        "opening.answers": (
            "Your answers suggest you may be going through something very hard right now."
        ),
        "opening.answers.review": (
            "Thank you for answering honestly. It sounds like things feel heavy right now, "
            "and that matters."
        ),
        "opening.review": (
            "Thank you for writing this down. It sounds like things feel heavy right now, "
            "and that matters."
        ),
        "care_team.entry": "Your care team has been alerted and can read this entry.",
        "care_team.flag_only": (
            "Your care team has been alerted, but they will not see the text of this private entry."
        ),
        "care_team.answers": "Your care team has been alerted and can see your answers.",
        "care_team.after": (
            "They do not read entries in real time: if you are in danger, use the "
            "contacts below now."
        ),
        "also_on_call": (
            "The clinic's on-call staff were also told at once that a flag was raised, "
            "without the text."
        ),
        "no_on_call": ("The clinic has no on-call staff in kap-journal, so no one else was told."),
        "on_call": (
            "You have no care team in kap-journal, so no one on a care team was alerted. "
            "The clinic's on-call staff were told that a flag was raised, without the text."
        ),
        "nobody": ("You have no care team in kap-journal, so no one was alerted about this."),
        "alone.after": (
            "Nobody reads your journal in real time: if you are in danger, use the "
            "contacts below and your safety plan now."
        ),
    },
    "es": {
        "opening": "Lo que escribiste sugiere que puedes estar pasando por algo muy difícil.",
        "opening.answers": (
            "Tus respuestas sugieren que puedes estar pasando por algo muy difícil ahora."
        ),
        "opening.answers.review": (
            "Gracias por responder con sinceridad. Parece que las cosas pesan mucho ahora, "
            "y eso importa."
        ),
        "opening.review": (
            "Gracias por escribir esto. Parece que las cosas pesan mucho ahora, y eso importa."
        ),
        "care_team.entry": "Se avisó a tu equipo de atención y puede leer esta entrada.",
        "care_team.flag_only": (
            "Se avisó a tu equipo de atención, pero no verá el texto de esta entrada privada."
        ),
        "care_team.answers": "Se avisó a tu equipo de atención y puede ver tus respuestas.",
        "care_team.after": (
            "No leen las entradas en tiempo real: si estás en peligro, usa ahora los "
            "contactos de abajo."
        ),
        "also_on_call": (
            "También se informó de inmediato al personal de guardia de la clínica de que "
            "se generó una alerta, sin el texto."
        ),
        "no_on_call": (
            "La clínica no tiene personal de guardia en kap-journal, así que no se avisó a "
            "nadie más."
        ),
        "on_call": (
            "No tienes un equipo de atención en kap-journal, así que no se avisó a nadie de "
            "un equipo de atención. Se informó al personal de guardia de la clínica de que "
            "se generó una alerta, sin el texto."
        ),
        "nobody": ("No tienes un equipo de atención en kap-journal, así que no se avisó a nadie."),
        "alone.after": (
            "Nadie lee tu diario en tiempo real: si estás en peligro, usa ahora los "
            "contactos de abajo y tu plan de seguridad."
        ),
    },
}


def flag_message(
    alerted: str, sees: Sees, locale: str = "en", *, level: Literal["urgent", "review"] = "urgent"
) -> str:
    """The patient's message for a flag; an unknown locale gets English.

    An urgent flag opens with the danger; a review flag with a calm word. Both
    say who was told and point to the contacts and the safety plan below.
    """
    text = _TEXT.get(locale.split("-")[0].lower(), _TEXT["en"])
    if alerted == "care_team":
        middle, after = text[f"care_team.{sees}"], text["care_team.after"]
        if level == "urgent":
            # An urgent flag pages on-call too; when nobody is on call, say so plainly.
            middle = f"{middle} {text['no_on_call']}"
    elif alerted == "team_and_on_call":
        middle = f"{text[f'care_team.{sees}']} {text['also_on_call']}"
        after = text["care_team.after"]
    elif alerted == "on_call":
        middle, after = text["on_call"], text["alone.after"]
    else:
        middle, after = text["nobody"], text["alone.after"]
    base = "opening.answers" if sees == "answers" else "opening"
    opening = text[f"{base}.review"] if level == "review" else text[base]
    return f"{opening} {middle} {after}"
