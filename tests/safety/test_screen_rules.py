"""How the screen reads text: normalisation, context and scope, one behaviour each."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.clock import utcnow
from app.safety.screening import screen_text
from app.safety.screening.engine import NORMALISER, _rule_matches, _Text
from app.safety.screening.normalise import fold
from tests.safety.tiers import assert_tier

RISK = (
    "i want to kill myself",
    "I have the pills saved up",
    "I cut my arms again",
    "no aguanto más, quiero morirme",
)


def test_zero_width_characters_and_soft_hyphens_vanish() -> None:
    assert fold("sui\u200bci\u00adde\u200d") == "suicide"


def test_cyrillic_and_greek_look_alikes_fold_to_latin() -> None:
    assert fold("\u0455u\u0456c\u0456d\u0430l \u03ba\u03b9ll") == "suicidal kill"


def test_digits_for_letters_are_read_as_letters() -> None:
    assert NORMALISER.text("I want to k1ll mys3lf") == "i want to kill myself"


def test_distances_with_digits_stay_numbers() -> None:
    assert NORMALISER.text("ran 5 kms") == "ran 5 kms"
    assert screen_text("I ran 10 kms today") is None


def test_spaced_out_letters_are_joined_into_words() -> None:
    assert NORMALISER.text("k i l l  m y s e l f") == "kill myself"
    assert NORMALISER.text("s.u.i.c.i.d.e") == "suicide"


def test_words_without_apostrophes_are_expanded() -> None:
    assert NORMALISER.text("im sure i dont, i cant") == "i am sure i do not , i can not"


def test_small_misspellings_of_the_screens_words_are_restored() -> None:
    assert NORMALISER.text("sucidal myslef") == "suicidal myself"


def test_ordinary_words_near_a_target_are_left_alone() -> None:
    assert NORMALISER.text("suits sunday mystery") == "suits sunday mystery"


@pytest.mark.parametrize(
    "text",
    [
        "I'm not suicidal but I have the pills ready",
        "I used to cut, and I did it again last night",
        "I don't want to worry you but I want to die",
        "I can't stop thinking about killing myself",
        "Two years ago I was suicidal and I still am",
    ],
)
def test_negation_and_history_cover_only_their_own_clause(text: str) -> None:
    assert screen_text(text) is not None


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("No thoughts of hurting myself", "negation"),
        ("Two years ago I was suicidal, now I feel alive", "history"),
        ("My friend self-harms", "another person"),
        ("I watched a suicide prevention talk", "topic"),
        ("If I ever feel suicidal I will call my therapist", "hypothetical"),
        ("It felt like dying and letting go", "psychedelic"),
        ("I'd kill for a coffee", "idiom"),
    ],
)
def test_context_clears_a_match(text: str, why: str) -> None:
    assert screen_text(text) is None, why


def test_a_hit_names_a_category_and_a_rule_never_the_text() -> None:
    hit = screen_text("tonight is the night")
    assert hit is not None
    assert (hit.category, hit.rule) == ("plan", "en_timing")


def test_the_most_urgent_category_wins() -> None:
    hit = screen_text("I'm so tired of living. I bought a rope.")
    assert hit is not None
    assert hit.category == "plan"


_INVISIBLE = st.sampled_from(["\u200b", "\u200c", "\u200d", "\u00ad", "\ufeff", "\u2060"])


@settings(max_examples=60)
@given(text=st.sampled_from(RISK), data=st.data())
def test_invisible_characters_anywhere_do_not_hide_risk(text: str, data: st.DataObject) -> None:
    chars = list(text)
    for _ in range(data.draw(st.integers(1, 6))):
        chars.insert(data.draw(st.integers(0, len(chars))), data.draw(_INVISIBLE))
    assert screen_text("".join(chars)) is not None


@settings(max_examples=60)
@given(
    text=st.sampled_from(RISK),
    before=st.sampled_from(["", "Slept badly.", "Work was long today.\n", "Hoy llovió."]),
    after=st.sampled_from(["", " The dog needs a walk.", "\nMañana veo a mi terapeuta."]),
    upper=st.booleans(),
)
def test_risk_is_found_whatever_surrounds_it(
    text: str, before: str, after: str, upper: bool
) -> None:
    body = f"{before} {text.upper() if upper else text}.{after}"
    assert screen_text(body) is not None


@settings(max_examples=100)
@given(st.text(max_size=300))
def test_any_text_is_screened_without_error(text: str) -> None:
    hit = screen_text(text)
    assert hit is None or hit.rule


def test_a_rule_skipped_for_missing_needles_could_not_have_matched() -> None:

    from app.safety.screening.engine import GATES, RULES
    from app.safety.screening.evaluate import read_corpus
    from app.safety.screening.model import CORPUS
    from app.safety.screening.needles import present

    texts = [r["text"] for r in read_corpus([CORPUS])]
    for text in texts:
        norm = NORMALISER.text(text)
        open_rules = GATES.open(norm)
        for i, rule in enumerate(RULES):
            if rule.pattern.search(norm):
                assert present(rule.needles, norm), (rule.id, text)
                assert i in open_rules, (rule.id, text)


def test_another_person_earlier_in_the_sentence_does_not_clear_the_writers_risk() -> None:
    assert screen_text("the heron spoke my mother's name and tonight I want to die") is not None


# The error families of issue 21, each in English and Spanish (docs/screen.md).
@pytest.mark.parametrize(
    ("text", "level"),
    [
        # Time frames: "in the past week", "last Thursday" are recent, not history.
        ("In the past week I cut myself twice.", "urgent"),
        ("Last Thursday I tried to hang myself.", "urgent"),
        ("La semana pasada me corté los brazos.", "urgent"),
        ("El jueves pasado intenté matarme.", "urgent"),
        # "Just in case" beside a means or a weapon is preparation.
        ("I keep the pills in my drawer just in case.", "urgent"),
        ("I keep a loaded gun by the bed just in case.", "urgent"),
        ("Guardo las pastillas por si acaso.", "urgent"),
        ("Tengo una cuerda en el armario por si acaso.", "urgent"),
        # People: step-relatives, exes, bosses, neighbours.
        ("I want to kill my stepdad.", "urgent"),
        ("I want to stab my neighbour.", "urgent"),
        ("Quiero matar a mi padrastro.", "urgent"),
        ("Voy a matar a mi ex.", "urgent"),
        # A year is history only before this one.
        (f"In {utcnow().year} I started cutting myself.", "urgent"),
        (f"En {utcnow().year} empecé a cortarme.", "urgent"),
        ("Since 2019 I have been cutting myself.", "urgent"),
        ("Desde 2019 me corto.", "urgent"),
        # The near misses of the idioms stay risk.
        ("I would rather die than live like this.", "review"),
        ("Prefiero morir que seguir viviendo así.", "review"),
        # A denial of the will to live is no denial of risk.
        ("Reasons to live: none.", "review"),
        ("Ganas de vivir: ninguna.", "review"),
    ],
)
def test_issue_21_families_that_carry_risk_are_flagged(text: str, level: str) -> None:
    assert_tier(text, level)


@pytest.mark.parametrize(
    "text",
    [
        # "Just in case" without a means stays a hypothesis.
        "I packed an umbrella just in case.",
        "Llevé paraguas por si acaso.",
        # Another person, named by a longer list.
        "My stepbrother tried to kill himself last year.",
        "Mi hermanastra se corta.",
        # Negation later in the sentence.
        "Suicidal thoughts? No.",
        "Thoughts of suicide, none at all.",
        "Urges to cut: zero.",
        "Hurting myself is not something I do.",
        "Killing myself has never crossed my mind.",
        "¿Pensamientos suicidas? No.",
        "Ganas de morir, ninguna.",
        "Hacerme daño no es algo que haga.",
        # Comparatives.
        "I'm more tired than wanting to die.",
        "Estoy más cansada que con ganas de morir.",
        # Years before this one are history.
        "In 2015 I tried to kill myself, now I'm doing well.",
        "En 2015 intenté suicidarme, ahora estoy bien.",
        # Idioms.
        "I'd kill for a coffee right now.",
        "I quit smoking for good.",
        "I'm done with people-pleasing.",
        "I want to end this chapter of my life and start fresh.",
        "Going to the mall on Black Friday is a suicide mission.",
        "I would rather die than sing karaoke.",
        "Mataría por un café.",
        "Quiero cerrar este capítulo de mi vida.",
        "Prefiero morir antes que cantar karaoke.",
        # The model may not overrule a clause-level negation of the same words.
        "I don't want to die, I want to live differently.",
        "Not once this week did I think about self-harm.",
        "No quiero morir, quiero vivir de otra manera.",
        "Ni una vez esta semana pensé en hacerme daño.",
    ],
)
def test_issue_21_families_without_risk_pass(text: str) -> None:
    assert screen_text(text) is None, text


@pytest.mark.parametrize(
    "text",
    [
        # A time frame that opens the sentence dates every clause after it.
        "Twelve years ago, right after my divorce, I swallowed a bottle of pills.",
        "Back in college, before I met Sam, I cut myself most nights.",
        "Hace quince años, cuando vivía en Quito, intenté matarme.",
        # "N years since": the act is the past, even "today" on the anniversary.
        "Nine years since I last hurt myself, and I marked it with cake.",
        "It's been three years today since I tried to end my life.",
        "Ya son seis años desde que intenté suicidarme.",
        # A denial that reaches the clause its "when" opens.
        "There wasn't one night this month when I wanted to hurt myself.",
        "No hubo ni un día de la semana en que quisiera hacerme daño.",
        # Pills handed over to be kept: the safety plan's means restriction.
        "I handed my roommate the sleeping pills to lock in her room.",
        "Le di los medicamentos a mi esposo para que me los guarde.",
        # A screening question answered no, however it was put.
        "The nurse asked was I having thoughts of killing myself. Told her no, honestly.",
        "My GP asked the usual: any urges to hurt myself, no. Any plans, no.",
        "Dr. Kim asked whether I had thought about suicide and I told her that I had not.",
        # Rope bought for a job named beside it.
        "Picked up rope at the hardware store to tie down the kayak.",
        "Compré una cuerda pa colgar la ropa en el patio.",
    ],
)
def test_second_pass_families_without_risk_pass(text: str) -> None:
    assert screen_text(text) is None, text


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # An opening time frame does not date a clause that turns to now.
        ("Years ago, in college, I cut myself, but this week I cut again.", "urgent"),
        ("Hace años me tomé un frasco de pastillas y anoche me tomé otro.", "urgent"),
        # A recent span is not history.
        ("Two weeks since I tried to end it and I am still shaking.", "urgent"),
        # "Not a day when I don't": every day.
        ("There is not a day that I don't think about killing myself.", "review"),
        ("No hay un día en que no piense en matarme.", "review"),
        # Pills kept back, not handed over.
        ("I have been saving extra pills to keep for when I am ready.", "urgent"),
        # A question answered yes, or a lie told to the asker, still stands.
        ("The nurse asked the usual questions and I lied, I have the pills ready.", "urgent"),
        # Rope with no job beside it, or the job named is the writer's death.
        ("I got rope for the garage beam.", "urgent"),
        ("Compré una soga para colgarme.", "urgent"),
    ],
)
def test_second_pass_families_with_risk_are_flagged(text: str, level: str) -> None:
    assert_tier(text, level)


@pytest.mark.parametrize(
    "text",
    [
        # A screening instrument or a rating, answered no or zero, in either language.
        "Filled in the PHQ-9 in the waiting room: thoughts I'd be better off dead, none.",
        "Did the C-SSRS with my counselor: wish to be dead, no; thoughts of ending my life, no.",
        "She asked me to rate the urge to cut from 0 to 10 this week: zero.",
        "The intake nurse asked about any thoughts of suicide, I said no ma'am.",
        "El psiquiatra me hizo las preguntas de siempre, si he pensado en matarme. Le dije que no.",
        "Me pidió que dijera si he tenido ganas de morirme esta semana. Dije no sin pensarlo.",
        # "Die of" a cause nobody dies of, a "but" between.
        "I'm going to die, but of boredom, this lecture is three hours long.",
        "Me quiero morir, pero de la vergüenza, le mandé el audio a mi jefa.",
        "Casi me muero del susto cuando sonó la alarma.",
        "We walked home in the snow and I thought I'd die of cold, not literally.",
        # Another person's death by suicide, told as news or grief.
        "A teacher at my son's school died by suicide and they sent a letter home.",
        "En el barrio se suicidó un muchacho y fuimos al velorio con mi tía.",
        # Exasperation with someone, said as an idiom.
        "My brother ate my leftovers again, I could strangle him.",
        # Hyperbole about one more of something.
        "If I hear one more ad for that app I'm going to shoot myself, lol.",
        "Me voy a matar estudiando para el parcial de anatomía.",
    ],
)
def test_third_pass_families_without_risk_pass(text: str) -> None:
    assert screen_text(text) is None, text


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # Intent said in the first person is urgent, with or without a time or method.
        ("I'm going to kill myself.", "urgent"),
        ("If she takes the kids I will end my life.", "urgent"),
        ("Me voy a matar, ya no aguanto.", "urgent"),
        ("Decidí quitarme la vida.", "urgent"),
        ("El viernes es el día que elegí para matarme.", "urgent"),
        # A screening question answered yes, or "I don't know", still stands.
        ("Did the C-SSRS with my counselor: wish to be dead, yes, most days.", "review"),
        ("La doctora me preguntó si quiero vivir. Le dije no sé.", "review"),
        # The idiom said meaning it.
        ("I could strangle my stepdad and I mean it.", "urgent"),
        # Another's death beside the writer's own wish.
        ("My cousin died by suicide and now I want to die too.", "review"),
    ],
)
def test_third_pass_families_with_risk_are_flagged(text: str, level: str) -> None:
    assert_tier(text, level)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # Scots and northern English spelling: "ma" for "my", "-nae" for "not".
        ("stubbed a fag out on ma arm after the row wi ma da", "urgent"),
        ("i'm gonnae top maself", "urgent"),
        ("cannae stop thinking aboot killing maself", "review"),
        # A dropped g.
        ("been cuttin my arms every night", "urgent"),
        # Spoken Spanish participles in -ao.
        ("me he cortao los brazos con el cúter", "urgent"),
        ("tengo las pastillas guardás y to preparao, lo he pensao mucho", "urgent"),
        # Self-injury by blows, burns and edges, with the body part.
        ("Punched my own face til my lip split.", "urgent"),
        ("Poured the kettle on my hand so I'd feel something.", "urgent"),
        ("Dragged the broken glass across my arm last night.", "urgent"),
        ("Me apagué un cigarro en el brazo anoche.", "urgent"),
        ("Llevo tres noches cortándome.", "urgent"),
        # An attempt at a height, stopped.
        ("My brother pulled me back from the edge of the roof on Friday.", "urgent"),
        ("Last week I had one leg over the railing before I got down.", "urgent"),
        # Clitic climbing: "me he intentado ahogar".
        ("Me he intentado ahogar en la bañera esta tarde.", "urgent"),
        # A day set, letters left for when the writer is gone, a knot practised.
        ("El día de mi cumple me mato.", "urgent"),
        ("Mañana a las seis me tiro a la vía del tren.", "urgent"),
        ("Dejé cartas para mis hijos, para cuando ya no esté.", "urgent"),
        ("Busqué cómo se hace un nudo para ahorcarse.", "urgent"),
    ],
)
def test_regional_spellings_and_acts_are_flagged(text: str, level: str) -> None:
    assert_tier(text, level)


@pytest.mark.parametrize(
    "text",
    [
        "The toddler punched my face until I laughed, then we had juice.",
        "Hoy me mato de risa con los vídeos de mi sobrino.",
        "Mañana me mato estudiando para el examen de anatomía.",
        "Me he cortado el pelo muy corto y me gusta.",
        "Practiqué con el cordón de las zapatillas el nudo que me enseñó mi papá.",
        "We're going to drive into the mountains this weekend for the leaves.",
        "therapist asked if i'd had any thoughts of harming maself this week. honestly naw.",
    ],
)
def test_regional_and_act_families_leave_ordinary_text_alone(text: str) -> None:
    assert screen_text(text) is None, text


def test_an_edge_that_is_a_pools_is_not_an_attempt() -> None:
    found, _, _ = _rule_matches(
        _Text(NORMALISER.text("Stood at the edge of the pool about to jump in."))
    )
    assert not {f.rule.id for f in found} & {"en_edge_meant", "en_edge", "en_edge_stopped"}


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # Spanish written as it sounds.
        ("me boi a matar ke ya no aguanto", "urgent"),
        # Intent by more means, by one's own hand, or the whole lot tonight.
        ("On Friday I will electrocute myself at the substation.", "urgent"),
        ("I'm going to die by my own hand before spring.", "urgent"),
        ("Tonight I'm taking the whole bottle.", "urgent"),
        # A line carved into the body; a goodbye recorded or scheduled; one's own eulogy.
        ("Carved a word into my thigh with a compass.", "urgent"),
        ("Scheduled a goodbye voice memo to my sister for Sunday.", "urgent"),
        ("Wrote my own eulogy and left it in the desk.", "urgent"),
        # A single pill saved, sleepers swallowed, the key to a gun safe found.
        ("I've saved every pill they gave me since June.", "urgent"),
        ("Swallowed a handful of sleepers with the wine.", "urgent"),
        ("Found the key to dad's gun safe and kept it.", "urgent"),
        # Going and not coming back (said alone, below).
        ("Driving up to the dam this weekend and not coming back.", "urgent"),
        # An insurance's suicide clause asked about.
        ("Rang the insurer about the suicide clause on my policy.", "urgent"),
        # Harm to another by a possessive name.
        ("Gonna bash my sister's boyfriend when he gets out.", "urgent"),
    ],
)
def test_third_wave_families_are_flagged(text: str, level: str) -> None:
    assert_tier(text, level)


def test_not_coming_back_said_alone_is_flagged() -> None:
    """Ambiguous alone: no rule names it, and the model's tier for it has moved between
    trainings (review with 107 writers, urgent with 112); flagged either way."""
    assert screen_text("Not coming back this time.") is not None


@pytest.mark.parametrize(
    "text",
    [
        "Tonight I'm taking everything to the tip before the move.",
        "Dad went to the shops. Not coming back till six, he said.",
        "My ex left in March and she's not coming back.",
        "Took a pill for my headache after lunch.",
        "I found the key to the lockbox so I can give mum her pills at eight.",
        "Fue a la tienda y ke bueno ke volvió temprano.",
    ],
)
def test_third_wave_families_leave_ordinary_text_alone(text: str) -> None:
    assert screen_text(text) is None, text


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # Intent without the "I", and "end it" with a time.
        ("Going to kill myself. Not maybe. This week.", "urgent"),
        ("If the appeal fails I will end it that night.", "urgent"),
        # "Me" for "my" with the body, and blades taken to it.
        ("Took the razor to me arms again in the bath.", "urgent"),
        ("Wrote me own death notice and saved it in the phone.", "urgent"),
        # Pulled back at the water; pills bought across shops; a hose to the exhaust.
        ("My neighbour pulled me back at the river wall last night, I was going in.", "urgent"),
        ("Bought paracetamol from three different shops so nobody would notice.", "urgent"),
        ("Ran a hose from the exhaust into the car on Sunday and sat there.", "urgent"),
    ],
)
def test_fourth_wave_families_are_flagged(text: str, level: str) -> None:
    assert_tier(text, level)


@pytest.mark.parametrize(
    "text",
    [
        "I will end it tonight with him, I've had enough of his lies.",
        "Got my meds from a different pharmacy so the insurance doesn't ask questions.",
        "The lifeguard pulled me out of the water while we were swimming.",
        "Going to kill it at the gig tonight.",
    ],
)
def test_fourth_wave_families_leave_ordinary_text_alone(text: str) -> None:
    assert screen_text(text) is None, text


def test_ordinary_words_one_slip_from_a_target_are_left_alone() -> None:
    text = "a strange stranger struggling, overdue, la subida, sucia, existen"
    assert NORMALISER.text(text) == (
        "a strange stranger struggling , overdue , la subida , sucia , existen"
    )


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # Self-harm named in the infinitive is a thought or an urge; the act is urgent.
        ("Tengo ganas de cortarme otra vez.", "review"),
        ("Anoche volví a cortarme los brazos.", "urgent"),
        ("Hace un mes traté de cortarme las venas.", "urgent"),
        # The writer's overdose is urgent; the word alone is for review.
        ("Overdosed on Saturday and woke up in the ER.", "urgent"),
        ("In the past month I've tried to overdose twice.", "urgent"),
        ("Been reading about tylenol overdose and bought four bottles.", "urgent"),
        ("I keep thinking about an overdose.", "review"),
        # An accident claimed to others is no accident.
        (
            "Me pegué con el martillo a propósito y dije en el trabajo que fue un accidente.",
            "urgent",
        ),
        ("I cut myself last night and it was no accident.", "urgent"),
    ],
)
def test_fifth_wave_families_are_flagged(text: str, level: str) -> None:
    assert_tier(text, level)


@pytest.mark.parametrize(
    "text",
    [
        "Me quemé el brazo con la plancha por accidente, nada grave.",
        "Cuando tenía 15 años me cortaba, hace mucho que no.",
        "Le dije a la doctora que nahániri, esta semana nada de hacerme daño.",
        "I'd murder the whole box of chocolates if he didn't hide it.",
        "My wife says I'm killing her with my cooking lately.",
        "Night shift tip: eat by 2am or you'll want to strangle someone by 5.",
        "Bought a pill organizer for my dad.",
        "The meds live in a lock box now, my sister keeps the key, as we agreed.",
        "Fui a cortarme el pelo y me quedó muy corto.",
    ],
)
def test_fifth_wave_families_leave_ordinary_text_alone(text: str) -> None:
    assert screen_text(text) is None, text


@pytest.mark.parametrize(
    "text",
    ["Mi madre no sabe que me corté anoche.", "Lo que no saben es que guardé las pastillas."],
)
def test_what_others_do_not_know_is_still_said(text: str) -> None:
    hit = screen_text(text)
    assert hit is not None and hit.level == "urgent", (text, hit)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Esta noche lo voy a hacer, cuando todos se duerman.", "urgent"),
        ("He cogido las pastillas de dormir de mi abuela del botiquín.", "urgent"),
        ("Compré una soga y le dije al de la tienda que era para acampar.", "urgent"),
        ("Anoche me tomé el doble de la dosis a propósito.", "urgent"),
        ("Me tomé en la cocina un trago de cloro y lo escupí.", "urgent"),
    ],
)
def test_spanish_acts_set_or_done_are_urgent(text: str, level: str) -> None:
    assert_tier(text, level)


def test_a_chore_set_for_a_day_is_not_the_act() -> None:
    assert screen_text("El lunes lo voy a hacer, la tarea de matemáticas.") is None


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("I'll be taking my own life on Sunday; the decision is made.", "urgent"),
        ("I'm going to end it before the next infusion.", "urgent"),
        ("Drove to the overpass meaning to jump and lost my nerve.", "urgent"),
        ("Cut my hand with the kitchen knife last night, quite deliberately.", "urgent"),
        ("Went round three different chemists for paracetamol this morning.", "urgent"),
        ("Asked the pharmacist how many of my heart tablets would be too many.", "urgent"),
        ("Kept back the morphine the hospice left behind.", "urgent"),
        ("Got the shotgun back from my brother, told him it was for the pigeons.", "urgent"),
    ],
)
def test_understated_and_oblique_acts_are_urgent(text: str, level: str) -> None:
    assert_tier(text, level)


@pytest.mark.parametrize(
    "text",
    [
        "Got my rifle back from the gunsmith, ready for the season.",
        "Sliced my finger chopping onions for the stew.",
    ],
)
def test_understated_families_leave_ordinary_text_alone(text: str) -> None:
    assert screen_text(text) is None, text


def test_patois_words_no_other_voice_uses_are_read() -> None:
    assert NORMALISER.text("mi cyaan tek it nuh more") == "mi can not take it not more"


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # Intent toward someone is urgent; a thought, or intent disowned, is for review.
        ("I'm going to hurt my ex. I know where he parks.", "urgent"),
        ("I'm going to kill him tonight, I'm not joking.", "urgent"),
        ("Voy a matarlo cuando llegue.", "urgent"),
        ("I keep thinking about stabbing my stepdad. I know I won't.", "review"),
        ("Wanted to choke my brother-in-law out. Didn't.", "review"),
        ("so angry at my boss i imagined strangling him. not gonna obvs", "review"),
        ("Me dan ganas de matarlo, pero no lo voy a hacer.", "review"),
        ("Quisiera golpear a mi cuñado.", "review"),
        # A date after the act that is days old keeps it now.
        ("I tried to kill myself. That was three days ago.", "urgent"),
        ("I took too many pills last night. That was the worst night.", "urgent"),
        ("Me corté otra vez. Eso fue anoche.", "urgent"),
    ],
)
def test_harm_to_others_by_intent_and_acts_dated_now(text: str, level: str) -> None:
    assert_tier(text, level)


@pytest.mark.parametrize(
    "text",
    [
        "voy a matar a mi hermano, se comió mi yogur jajaja",
        "After my first marriage ended I took too many pills once. That was 14 years ago.",
        "I swallowed a bottle of aspirin. It was back in 1986, before the children.",
        "Me corté los brazos. Eso fue hace diez años, ya no.",
        "Ten years ago tonight I tried to end it. I mark it with cake now.",
    ],
)
def test_jokes_and_acts_dated_long_ago_by_the_next_sentence_raise_no_urgent_flag(
    text: str,
) -> None:
    hit = screen_text(text)
    assert hit is None or hit.level == "review", (text, hit)


@pytest.mark.parametrize(
    "text",
    [
        "Dr Tan ask if got any thoughts of hurting myself this week, I say no, for once.",
        "The nurse asked whether I have had any thoughts of harming myself, and I could say no.",
        "I could cheerfully strangle her, the cat, but she is my only company.",
        "Threw out all the old expired tablets and took them back to the pharmacy.",
        "Bought new rope for the bakkie, the old tie-down snapped.",
        "Forgot the school shoes again. Driving them over to Durbanville now.",
        "So much grease on the hood today I could kill somebody.",
        "Me compré unas pastillas de miel para la garganta.",
    ],
)
def test_screening_said_no_in_the_present_and_chores_raise_no_urgent_flag(text: str) -> None:
    hit = screen_text(text)
    assert hit is None or hit.level == "review", (text, hit)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # Another's overdose is for review, one's own is urgent, as in English.
        ("El nieto de Nena murió de una sobredosis.", "review"),
        ("Me tomé una sobredosis el sábado.", "urgent"),
        ("El sábado hice una sobredosis con las pastillas de mi mamá.", "urgent"),
        # A question put in the present and answered yes is no denial.
        ("She ask if I'm hurting myself, I say yes, I cut last night.", "urgent"),
        ("I ran him over with the car on purpose.", "urgent"),
    ],
)
def test_overdose_by_whom_and_answers_that_are_not_no(text: str, level: str) -> None:
    assert_tier(text, level)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # Ending it, said as intent or a decision; everything in the drawer taken.
        ("I'm going to end it. Not today, soon.", "urgent"),
        ("I've decided I'm going to end it next Sunday.", "urgent"),
        ("Six weeks ago I took everything in the drawer.", "urgent"),
        ("Ayer ya tomé la decisión de matarme el viernes.", "urgent"),
        ("ya esta decidido, lo voy a aser, no aguanto mas", "urgent"),
        # An overdose on a day or on medicine is the act; self-harm as a verb is too.
        ("Overdosed on Saturday and woke up in the ER.", "urgent"),
        ("overdosed on xanax last night", "urgent"),
        ("Been self harming again since Friday.", "urgent"),
        ("Me autolesioné anoche.", "urgent"),
        # The word alone is for review.
        ("Self harm urges all day today.", "review"),
    ],
)
def test_fifth_pass_intent_and_acts(text: str, level: str) -> None:
    assert_tier(text, level)


@pytest.mark.parametrize(
    "text",
    [
        "Overdosed on Diwali mithai again.",
        "Found out my old friend from school overdosed in Sydney.",
        "Llegó una muchacha de 19 años por intento de suicidio, quedó estable.",
        "this time last year I was planning how to end it. this year I'm planning my 20th.",
        "bought rope at Bunnings for dad's trailer",
        "The instructor at the climbing wall tied my rope and checked it twice.",
        "Hannah ate my leftover biryani. I will kill her, lovingly, after I've slept.",
        "I'm going to end it with him tonight, he doesn't treat me right.",
        # The joke clears the rule; the model still reads the words and may page them.
        "i'm going to kill my roommate if she microwaves fish one more time. lol",
    ],
)
def test_fifth_pass_rules_do_not_page_idioms_others_or_anniversaries(text: str) -> None:
    hit = screen_text(text)
    assert hit is None or hit.level == "review" or hit.rule.startswith("model"), (text, hit)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        # Preparation said sideways: belongings not needed "where I go", a letter that
        # absolves its reader, pills from another town's pharmacy, a funeral "soon".
        ("sell my truck cheap, give money to denise. me not need truck where me go.", "urgent"),
        ("Repartí las joyas de mi madre, nun las voy a necesitar donde voy.", "urgent"),
        ("finish letter to therapist, thank her, say not her fault. mail it friday.", "urgent"),
        ("Fui a la farmacia de otro pueblo a pedir pastillas de dormir.", "urgent"),
        ("Dejé pagado el entierro y le dije a la funeraria que iba a ser pronto.", "urgent"),
        ("I took his gun from the cabinet, it's in my car now.", "urgent"),
    ],
)
def test_preparation_said_sideways_is_urgent(text: str, level: str) -> None:
    assert_tier(text, level)


@pytest.mark.parametrize(
    "text",
    [
        "Packed sunscreen, I won't need a coat where I'm going, Cancun baby!",
        "Sold the bike, I will not need it now that I drive.",
        "It's not your fault, I told my daughter about the broken vase.",
        "Paid for Mum's funeral plan, the first instalment, and the rest can wait.",
    ],
)
def test_ordinary_giving_and_paying_raise_no_rule(text: str) -> None:
    hit = screen_text(text)
    assert hit is None or hit.rule.startswith("model"), (text, hit)


# Sixth pass. A wish said by denying it is bad (litotes); a prayer to be taken, or
# readiness to go if called; a screening question answered yes keeps what it asked,
# though it is put with "if".
@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Lay there thinking it would not be such a bad thing if I did not wake up.", "review"),
        ("It wouldn't be the worst thing if I never woke up.", "review"),
        ("Lord, take me home tonight, I am tired.", "review"),
        ("If God called me tonight I would go gladly.", "review"),
        ("Lord, if You need another nurse up there, I am available.", "review"),
        ("She asked if I had thoughts of suicide this week and I said yes.", "review"),
        ("She asked me straight up if I'd had thoughts of suicide and I told her yes.", "review"),
    ],
)
def test_sixth_pass_families_are_flagged(text: str, level: str) -> None:
    assert_tier(text, level)


@pytest.mark.parametrize(
    "text",
    [
        "She asked if I had thoughts of suicide this week and I said no.",
        "She asked if I'd had thoughts of suicide and I told her honestly that I had not.",
        "Lord, take me as I am, the old hymn goes, and we sang it twice.",
    ],
)
def test_sixth_pass_near_misses_are_not_flagged(text: str) -> None:
    assert screen_text(text) is None, text


def test_litotes_frees_only_the_wish_it_carries() -> None:
    found, _, _ = _rule_matches(
        _Text(NORMALISER.text("It would not be such a bad thing if I woke up early for once."))
    )
    assert not {f.rule.id for f in found}


# Seventh pass (from w118-w122): suffocation with a bag, an attempt told by its means and
# what stopped it, pills bought across several chains of pharmacies.
@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Put a plastic bag over my head Tuesday night and took it off when I panicked.", "urgent"),
        ("I did it last night, tried with the belt, and the hook broke.", "urgent"),
        ("Hit three different Walgreens for the sleeping pills so nobody'd notice.", "urgent"),
    ],
)
def test_seventh_pass_families_are_flagged(text: str, level: str) -> None:
    assert_tier(text, level)


@pytest.mark.parametrize(
    "text",
    [
        "So embarrassed I wanted to put a bag over my head.",
        "We tried with the belt to hold the box shut but it snapped.",
        "I tried with the belt to hold the suitcase shut and the buckle snapped.",
        "Went to three different pharmacies for the flu vaccine before one had it.",
    ],
)
def test_seventh_pass_near_misses_do_not_match_the_new_rules(text: str) -> None:
    found, _, _ = _rule_matches(_Text(NORMALISER.text(text)))
    assert not {f.rule.id for f in found} & {"en_bag_or_means_tried", "en_pills_several_shops"}
