"""The Spanish rule families the English side had and the Spanish lacked
(docs/screen.md, "Spanish families"): each with risk sentences in several regional
voices, and near misses (idioms, other people, denials, history) it must not match."""

import pytest

from app.safety.screening import screen_text
from app.safety.screening.engine import NORMALISER, _rule_matches, _Text
from tests.safety.tiers import assert_tier

NEW_RULES = {
    "es_autolesion_compuesto",
    "es_autolesion_reciente",
    "es_testamento",
    "es_despedida_enviada",
    "es_cantidad_letal",
    "es_medicinas_conseguidas",
    "es_cuchilla_guardada",
    "es_borde_interrumpido",
    "es_me_colgue",
    "es_deseo_pasivo",
    "es_sobredosis_tomada",
    "es_golpes_a_proposito",
    "es_intento_encubierto",
    "es_arma_lista",
    "es_arma_y_horario",
    "es_pastillas_apartadas",
    "es_saltar",
    "es_da_igual_morir",
    "es_metodo_buscado",
    "es_envidia_muertos",
    "es_ya_no_voy_a_estar",
    "es_monoxido",
    "es_no_es_para",
}


def standing_rules(text: str) -> set[str]:
    """The rules whose matches survive context in this text."""
    found, _, _ = _rule_matches(_Text(NORMALISER.text(text)))
    return {f.rule.id for f in found}


RISK = [
    # Self-injury in the perfect (Peninsular, Andean), spoken participles included.
    ("es_autolesion_compuesto", "Me he cortado los muslos otra vez.", "urgent"),
    ("es_autolesion_compuesto", "me he cortao en la tripa con el cúter de clase", "urgent"),
    ("es_autolesion_compuesto", "Me he quemado la muñeca con el mechero.", "urgent"),
    ("es_autolesion_compuesto", "Me he estado rasguñando los brazos cada noche.", "urgent"),
    ("es_autolesion_compuesto", "Me rajé la pierna con una cuchilla.", "urgent"),
    ("es_autolesion_compuesto", "Me he vuelto a cortar.", "urgent"),
    # Self-injury with a recent time word beyond "anoche/ayer/hoy".
    ("es_autolesion_reciente", "Me corté esta mañana antes de ir al laburo.", "urgent"),
    (
        "es_autolesion_reciente",
        "Me quemé el muslo el jueves y no se lo he dicho a nadie.",
        "urgent",
    ),
    ("es_autolesion_reciente", "Hace un rato me corté otra vez.", "urgent"),
    ("es_autolesion_reciente", "Me corté hace dos días y todavía arde.", "urgent"),
    ("es_autolesion_reciente", "Antier me corté los brazos.", "urgent"),
    ("es_autolesion_reciente", "Esta semana me hice cortes en los muslos.", "urgent"),
    # Affairs in order: a will, passwords, who gets what.
    ("es_testamento", "He hecho el testamento y ya está todo.", "urgent"),
    ("es_testamento", "Fui al notario a firmar el testamento nuevo.", "urgent"),
    ("es_testamento", "Le dejé a mi hermana todas mis contraseñas en un sobre.", "urgent"),
    ("es_testamento", "Hice un documento con las claves y quién se queda con qué.", "urgent"),
    ("es_testamento", "Anoté en una libreta quién se lleva cada cosa.", "urgent"),
    # Goodbyes written, recorded, posted.
    ("es_despedida_enviada", "Ya publiqué mi mensaje de despedida en Instagram.", "urgent"),
    ("es_despedida_enviada", "Grabé audios de despedida para mis hermanos.", "urgent"),
    ("es_despedida_enviada", "Escribí una carta para cada uno y las dejé en el cajón.", "urgent"),
    ("es_despedida_enviada", "Tengo las cartas escritas pa mi mai y mi hermano.", "urgent"),
    # A lethal amount looked up.
    ("es_cantidad_letal", "Busqué cuánta cantidad de sertralina es mortal.", "urgent"),
    ("es_cantidad_letal", "He buscado cuántas pastillas hacen falta para no despertar.", "urgent"),
    ("es_cantidad_letal", "Estuve viendo cuánto paracetamol hace falta pa mi peso.", "urgent"),
    ("es_cantidad_letal", "Anoté las dosis tóxicas de lo que tengo en casa.", "urgent"),
    # Medicine got round the pharmacy.
    ("es_medicinas_conseguidas", "Compré clonazepam en tres farmacias distintas.", "urgent"),
    (
        "es_medicinas_conseguidas",
        "Le mentí a la doctora, le dije que se me perdieron las pastillas, y me dio otra caja.",
        "urgent",
    ),
    # A blade kept by the bed.
    ("es_cuchilla_guardada", "Tengo el cúter debajo de la almohada.", "urgent"),
    ("es_cuchilla_guardada", "He guardado una cuchilla en la mesilla de noche.", "urgent"),
    ("es_cuchilla_guardada", "Saqué la cuchilla del sacapuntas.", "urgent"),
    # On a height for too long, pulled back.
    (
        "es_borde_interrumpido",
        "Estuve en la azotea mirando abajo y el de seguridad me preguntó si estaba bien, y bajé.",
        "urgent",
    ),
    ("es_borde_interrumpido", "En el puente un señor me jaló del brazo.", "urgent"),
    ("es_borde_interrumpido", "Me pasé al otro lado de la baranda.", "urgent"),
    (
        "es_borde_interrumpido",
        "Me senté en la cornisa con las piernas colgando.",
        "urgent",
    ),
    # A hanging that gave way.
    ("es_me_colgue", "El sábado me colgué del ropero con una sábana y se rompió.", "urgent"),
    ("es_me_colgue", "Me colgué en el patio y se reventó la cuerda.", "urgent"),
    # An overdose taken.
    ("es_sobredosis_tomada", "Me tomé una caja entera de acetaminofén.", "urgent"),
    ("es_sobredosis_tomada", "Me tomé todo lo que había en el botiquín.", "urgent"),
    ("es_sobredosis_tomada", "Me tomé 15 de las de dormir.", "urgent"),
    ("es_sobredosis_tomada", "Me tomé las pastillas y me desperté en el suelo.", "urgent"),
    # Blows on purpose.
    ("es_golpes_a_proposito", "Me di cabezazos contra la pared hasta que sangré.", "urgent"),
    ("es_golpes_a_proposito", "Me pegué con el puño en la cara a propósito.", "urgent"),
    ("es_golpes_a_proposito", "Me mordí la mano hasta que se puso morada.", "urgent"),
    # An attempt, stopped or covered up.
    ("es_intento_encubierto", "Me tiré al río y un pescador me sacó.", "urgent"),
    ("es_intento_encubierto", "Me tiré por la escalera a propósito.", "urgent"),
    ("es_intento_encubierto", "Me metí al mar de noche con la idea de no volver.", "urgent"),
    ("es_intento_encubierto", "Me aventé delante de un carro y dije que me tropecé.", "urgent"),
    # A gun kept loaded, put to oneself.
    ("es_arma_lista", "Dejé el revólver cargado debajo de la almohada.", "urgent"),
    ("es_arma_lista", "Me puse la pistola en la sien.", "urgent"),
    # A weapon and the other person's hours.
    ("es_arma_y_horario", "Ya sé a qué hora sale del taller y tengo el machete.", "urgent"),
    ("es_arma_y_horario", "Tengo la navaja y sé dónde vive ese tipo.", "urgent"),
    ("es_arma_y_horario", "Lo voy a esperar con el bate.", "urgent"),
    ("es_arma_y_horario", "Si vuelve a tocarla le meto un tiro.", "urgent"),
    # Doses kept back.
    ("es_pastillas_apartadas", "Voy guardando las pastillas que no me tomo.", "urgent"),
    (
        "es_pastillas_apartadas",
        "Estoy tomando solo la mitad y guardando la otra mitad.",
        "urgent",
    ),
    # A jump planned.
    ("es_saltar", "Voy a saltar del piso 12 el viernes.", "urgent"),
    ("es_saltar", "Me voy a aventar del puente.", "urgent"),
    # Passive wishes.
    ("es_deseo_pasivo", "Me he despertado con pena por haberme despertado.", "review"),
    ("es_deseo_pasivo", "Me desperté con rabia de seguir viva.", "review"),
    ("es_deseo_pasivo", "Deseé que el coche me diera.", "review"),
    ("es_deseo_pasivo", "Esperaba que el avión se cayera.", "review"),
    ("es_envidia_muertos", "En el velorio le tuve envidia al muerto.", "review"),
    ("es_envidia_muertos", "Envidio a los que ya descansan.", "review"),
    # Fine if death came, better never born, what for to go on.
    ("es_da_igual_morir", "Si me muero esta noche dormida, no me quejo.", "review"),
    ("es_da_igual_morir", "Me daría igual no despertarme mañana.", "review"),
    ("es_da_igual_morir", "Ojalá me diera un infarto que me llevara.", "review"),
    ("es_da_igual_morir", "Mejor ni hubiera nacido, boludo.", "review"),
    ("es_da_igual_morir", "Ojalá me diera algo esta noche.", "review"),
    ("es_da_igual_morir", "Quisiera que el choque del año pasado me hubiera llevado.", "review"),
    ("es_da_igual_morir", "Le pido al mar que me lleve.", "review"),
    ("es_da_igual_morir", "Quiero acostarme y ya no levantarme.", "review"),
    ("es_da_igual_morir", "Pa qué existo.", "review"),
    ("es_da_igual_morir", "Sin mí estarían todos más tranquilos.", "review"),
    ("es_da_igual_morir", "No me veo viva el año que viene.", "review"),
    ("es_da_igual_morir", "Cuando cruzo la avenida pienso en no mirar.", "review"),
    # More ways of the same families.
    ("es_sobredosis_tomada", "Me tomé un puñado de pastillas con guaro.", "urgent"),
    ("es_sobredosis_tomada", "Me tomé media botella de vino con las pastillas.", "urgent"),
    ("es_autolesion_compuesto", "Me pasé la cuchilla por los brazos.", "urgent"),
    ("es_autolesion_compuesto", "Me clavé la trincheta en el muslo.", "urgent"),
    ("es_golpes_a_proposito", "Me di contra la pared hasta que me sangró la ceja.", "urgent"),
    ("es_me_colgue", "Me amarré la correa al cuello en el clóset.", "urgent"),
    ("es_saltar", "El domingo me aviento del puente.", "urgent"),
    ("es_pastillas_apartadas", "Ya no me las tomo, las guardo.", "urgent"),
    ("es_pastillas_apartadas", "Tengo 60 pastillas en un frasco de vitaminas.", "urgent"),
    ("es_arma_y_horario", "Tengo el cuchillo en la mochila y mañana lo espero.", "urgent"),
    ("es_metodo_buscado", "Busqué qué mezcla de pastillas no falla.", "urgent"),
    ("es_metodo_buscado", "Estuve leyendo cuánto tarda el monóxido en un garaje.", "urgent"),
    ("es_ya_no_voy_a_estar", "Le di la gata a mi vecina porque ya no voy a estar.", "urgent"),
    ("es_ya_no_voy_a_estar", "Para el lunes yo ya no voy a estar.", "urgent"),
    ("es_monoxido", "Compré carbón y cinta para el baño.", "urgent"),
    ("es_monoxido", "Tengo una manguera para conectarla al escape.", "urgent"),
    ("es_monoxido", "Lo que no saben es que ya compré el carbón y la cinta.", "urgent"),
    ("es_no_es_para", "Tengo la escopeta cargada en el ropero. No es para los ladrones.", "urgent"),
    ("es_no_es_para", "Compré una soga. No es pa escalar.", "urgent"),
    # Goodbye letters written.
    ("es_despedida_enviada", "Ya escribí las cartas pa todos.", "urgent"),
]


@pytest.mark.parametrize(("rule", "text", "level"), RISK)
def test_spanish_families_are_flagged_by_their_rule(rule: str, text: str, level: str) -> None:
    assert rule in standing_rules(text), text
    assert_tier(text, level)


@pytest.mark.parametrize(
    "text",
    [
        # Accidents and haircuts.
        "Me he cortado el dedo pelando patatas.",
        "Me he cortado el flequillo yo sola.",
        "Me he quemado la mano con el horno.",
        "Me corté el pelo esta mañana.",
        "Esta mañana me corté con un papel.",
        "Me he quemado el brazo con la plancha sin querer.",
        "Me he cortado, qué torpe, pelando patatas.",
        "Me quemé los brazos el domingo en la playa.",
        "Me lastimé el tobillo el domingo jugando al fútbol.",
        # Spanish slang: upset, backed out, burnt out.
        "Me he rayado mucho con lo que dijo mi madre.",
        "Me he rayado.",
        "Me rajé el jueves, no fui a la fiesta.",
        "Me he quemado con tanto trabajo.",
        "Me he quemado.",
        # Other people, history, denials.
        "Mi prima se ha cortado los brazos.",
        "Hace años me cortaba, ahora ya no.",
        "No me he cortado esta semana.",
        # Wills and passwords in ordinary life.
        "Mi abuelo hizo el testamento hace años.",
        "He firmado el testamento vital en el centro de salud.",
        "Le pasé la clave del wifi a mi vecina.",
        "Quién se queda con el perro este verano, no lo sabemos.",
        # Farewells of others.
        "Le escribimos una carta de despedida a la profe que se jubila.",
        "Hicimos la despedida de mi primo que se va pa Orlando.",
        # Doses in a safe frame.
        "Busqué cuánta cantidad de ibuprofeno puedo tomar al día.",
        "Fui a tres farmacias hasta encontrar la insulina.",
        # Blades at work, guns for hunting.
        "Compré cuchillas nuevas para el cúter de la facultad.",
        "Le pedí a mi novia que me guarde las cuchillas de afeitar.",
        "Limpié la escopeta y salimos a cazar conejos.",
        "Le entregué el revólver a mi cuñado, lo tiene bajo llave.",
        # Heights without risk.
        "Estuve en la azotea tendiendo la ropa.",
        "En el puente nos sacamos una foto.",
        # Ordinary "me tomé", "me tiré", "me colgué".
        "Me tomé el ibuprofeno para la regla.",
        "Me tomé un tinto en el parque.",
        "Me tiré en el sillón a ver el fútbol.",
        "Me tiré a la piscina con mis sobrinos.",
        "Me colgué la mochila y me fui.",
        # Knowing someone's hours without a weapon.
        "Sé a qué hora sale mi mamá del trabajo, la voy a recoger.",
        # Idioms of envy, passive wish near misses.
        "Me muero de la envidia con mi prima que se va a Lisboa.",
        "Me desperté tarde y con pena por perder el bus.",
        "Esperaba que el avión saliera a tiempo.",
        # Jumps that are play.
        "Voy a saltar a la piscina.",
        # Ordinary "si me muero", "sin mí", "pa qué".
        "Si me muero de hambre, pido una pizza.",
        "Si me muero de risa es culpa tuya.",
        "Sin mí el equipo estaría perdido, dijo el jefe.",
        "No sé para qué sirve este botón.",
        "Mi abuela me dijo que no se ve viva sin su huerto.",
        "Pienso en no mirar el móvil antes de dormir.",
        "Escribí las cartas de recomendación para mis alumnos.",
        # History, hypotheses, other people, films.
        "Hace años me colgué del ropero y se rompió la barra.",
        "De adolescente me daba cabezazos contra la pared hasta sangrar.",
        "Nunca he hecho testamento.",
        "Si alguna vez me quemo el brazo con el mechero, llamo a mi terapeuta.",
        "Mi hermano sabe dónde vive ese tipo y tiene una pistola.",
        "Vi una película donde el protagonista busca qué mezcla de pastillas es mortal.",
        "No guardo cuchillas debajo de la almohada.",
        "En 2015 me tiré al río y un pescador me sacó.",
        "Mi tía envidia a los muertos, dice.",
        # A day off, a barbecue, a garden hose.
        "El lunes no voy a estar, tengo médico.",
        "Ya no voy a estar en ese grupo de WhatsApp.",
        "Prendí el carbón para el asado.",
        "Lavé el carro con la manguera.",
        "Desde segundo de prepa no me he vuelto a cortar.",
        "Tranqui, no es para tanto.",
        "El cuchillo no es para cocinar, es para el camping.",
        "Mi vecino compró una escopeta y dice que no es para cazar.",
        "Ojalá me diera algo de suerte esta semana.",
        "Le pido al mar que me traiga buena pesca.",
        # Pills with a drink, blades, belts and jumps in everyday life.
        "Me tomé las pastillas con agua, como siempre.",
        "Me tomé un vino con mi hermana.",
        "Me pasé la plancha por el pelo.",
        "Me puse la bufanda al cuello, hacía un frío.",
        "Me até los cordones y salí a correr.",
        "Me lanzo del trampolín con mis primos.",
        "Guardo las vitaminas en un frasco de vidrio.",
        "Fui a buscarlo al taller y ya tengo el carro.",
        "Busqué qué mezcla de pintura queda mejor.",
        # Knocks by accident.
        "Me di con la cabeza contra el armario, qué torpe.",
    ],
)
def test_spanish_families_near_misses_do_not_match_them(text: str) -> None:
    assert not standing_rules(text) & NEW_RULES, (text, standing_rules(text))


# Sixth pass. Spanish "he" + participle is "I have": not the English "he" that hands a
# sentence to someone else. Throwing oneself in front of a vehicle, or crashing one on
# purpose, done or planned; a rope bought in the perfect tense.
@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("He vuelto a pensar en suicidarme.", "review"),
        ("He pensado en quitarme la vida esta semana.", "review"),
        ("Me he cortado otra vez esta noche.", "urgent"),
        ("He comprado una cuerda y está en el maletero.", "urgent"),
        ("Hace quince días me tiré delante de un coche y frenó a tiempo.", "urgent"),
        ("El sábado voy a estrellarme con el coche contra un pilar de la autovía.", "urgent"),
    ],
)
def test_sixth_pass_spanish_families_are_flagged(text: str, level: str) -> None:
    assert_tier(text, level)


@pytest.mark.parametrize(
    "text",
    [
        "Un chico se tiró delante del metro en Sol, qué horror.",
        "Mi vecino se estrelló contra un árbol con la moto, está bien.",
        "He comprado una cuerda para saltar en el gimnasio.",
        "Me puse delante de un coche para hacerle la foto a la matrícula.",
    ],
)
def test_sixth_pass_near_misses_are_not_flagged_by_the_new_rules(text: str) -> None:
    assert not standing_rules(text) & {"es_delante_vehiculo", "es_cuerda"}, text


@pytest.mark.parametrize(
    "text",
    ["He tried to kill himself last year.", "He wants to die, my uncle says, and he means it."],
)
def test_english_he_still_hands_the_sentence_to_someone_else(text: str) -> None:
    assert screen_text(text) is None, text


@pytest.mark.parametrize(
    "text",
    [
        "No sería tan malo no despertar mañana.",
        "Señor, llévame ya, estoy cansada.",
        "Si Dios me llama hoy voy corriendo.",
        "Mire Señor, si Usted me quiere llevar ahora no pongo resistencia.",
        "Le pedí a la Virgen que o me cure o me lleve.",
        "La doctora me preguntó si había tenido ideas de suicidio y le dije que sí.",
    ],
)
def test_sixth_pass_spanish_wishes_and_answers_are_for_review(text: str) -> None:
    assert_tier(text, "review")


@pytest.mark.parametrize(
    "text",
    [
        "La doctora me preguntó si había tenido ideas de suicidio y le dije que no.",
        "Señor, llévame a casa con bien esta noche, que hay niebla.",
        "Mi hermano dice que ya me puede llevar al aeropuerto, gracias a Dios.",
    ],
)
def test_sixth_pass_spanish_near_misses_are_not_flagged(text: str) -> None:
    assert screen_text(text) is None, text


# Seventh pass: a comparative with "nunca" is not a denial; indifference to living or
# dying and a wish not to see the morning are passive wishes; a bag over the head.
@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Hoy la idea de matarme estuvo más fuerte que nunca.", "review"),
        ("Me da igual vivir o morir, hoy es así.", "review"),
        ("Me acosté deseando no ver el amanecer.", "review"),
        ("Anoche me puse una bolsa de plástico en la cabeza y me la quité.", "urgent"),
        ("Lo intenté con el cinturón y se rompió la barra.", "urgent"),
    ],
)
def test_seventh_pass_spanish_families_are_flagged(text: str, level: str) -> None:
    assert_tier(text, level)


@pytest.mark.parametrize(
    "text",
    [
        "Le prometí a mi madre que nunca me haría daño.",
        "Le dije a la doctora que nunca pensaría en matarme, y es verdad.",
        "Hoy me siento mejor que nunca.",
    ],
)
def test_a_denial_with_que_nunca_still_denies(text: str) -> None:
    assert screen_text(text) is None, text
