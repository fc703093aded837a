#!/usr/bin/env python3
"""Deterministic generator of a synthetic English -> Spanish parallel corpus.

    python3 data/demo-en-es/generate.py --out data/demo-en-es

Writes train.tsv (english<TAB>spanish) and test.tsv (english<TAB>spanish<TAB>construction),
then runs a self-check (any failed assertion aborts with a non-zero exit) and prints a summary.
Python 3 standard library only; the output is byte-identical on every run (fixed seed, no
iteration over hash-ordered sets).  See README.md beside this file for the grammar and every
fixed translation choice.
"""

import argparse
import hashlib
import os
import random
from collections import Counter

SEED = 20240605
N_TRAIN = 32000                 # total training pairs, fixed pairs included
N_TEST_PER_CONSTRUCTION = 150   # 8 constructions -> 1200 test pairs
MAX_TOKENS = 20                 # per side, punctuation included
N_HELDOUT_ADJ_NOUN = 40
N_HELDOUT_SUBJ_VERB = 30
N_LETS_GO = 300                 # "let's go to ..." pairs in training

# --------------------------------------------------------------------------------------------
# Lexicon
# --------------------------------------------------------------------------------------------
# Noun classes: H people, A animals, FS countable food, FM mass food, D drinks (mass),
#               O objects, I things you read/hear/watch, C clothes, V vehicles, P places.
# Columns: english singular | english plural ("-" = mass noun) | spanish singular |
#          spanish plural | gender | class | tags (used by verb object lists)
NOUN_TABLE = """
man|men|hombre|hombres|m|H|nopos
woman|women|mujer|mujeres|f|H|nopos
boy|boys|niño|niños|m|H|nopos
girl|girls|niña|niñas|f|H|nopos
father|fathers|padre|padres|m|H|
mother|mothers|madre|madres|f|H|
brother|brothers|hermano|hermanos|m|H|
sister|sisters|hermana|hermanas|f|H|
son|sons|hijo|hijos|m|H|
daughter|daughters|hija|hijas|f|H|
friend|friends|amigo|amigos|m|H|
teacher|teachers|profesor|profesores|m|H|
doctor|doctors|médico|médicos|m|H|
king|kings|rey|reyes|m|H|nopos
queen|queens|reina|reinas|f|H|nopos
grandfather|grandfathers|abuelo|abuelos|m|H|
grandmother|grandmothers|abuela|abuelas|f|H|
uncle|uncles|tío|tíos|m|H|
aunt|aunts|tía|tías|f|H|
cat|cats|gato|gatos|m|A|pet
dog|dogs|perro|perros|m|A|pet
bird|birds|pájaro|pájaros|m|A|pet
horse|horses|caballo|caballos|m|A|pet
cow|cows|vaca|vacas|f|A|pet
mouse|mice|ratón|ratones|m|A|
rabbit|rabbits|conejo|conejos|m|A|pet
duck|ducks|pato|patos|m|A|pet
pig|pigs|cerdo|cerdos|m|A|pet
bear|bears|oso|osos|m|A|
lion|lions|león|leones|m|A|
monkey|monkeys|mono|monos|m|A|
apple|apples|manzana|manzanas|f|FS|wash
orange|oranges|naranja|naranjas|f|FS|
banana|bananas|plátano|plátanos|m|FS|
egg|eggs|huevo|huevos|m|FS|cook
cake|cakes|pastel|pasteles|m|FS|
cookie|cookies|galleta|galletas|f|FS|
tomato|tomatoes|tomate|tomates|m|FS|wash
potato|potatoes|patata|patatas|f|FS|wash,cook
lemon|lemons|limón|limones|m|FS|
strawberry|strawberries|fresa|fresas|f|FS|wash
bread|-|pan|-|m|FM|
cheese|-|queso|-|m|FM|
rice|-|arroz|-|m|FM|cook
meat|-|carne|-|f|FM|cook
fish|-|pescado|-|m|FM|cook
soup|-|sopa|-|f|FM|cook
chicken|-|pollo|-|m|FM|cook
milk|-|leche|-|f|D|
coffee|-|café|-|m|D|
tea|-|té|-|m|D|
juice|-|jugo|-|m|D|
wine|-|vino|-|m|D|
book|books|libro|libros|m|O|buy,read,write,open,close
letter|letters|carta|cartas|f|O|read,write,open,keep
newspaper|newspapers|periódico|periódicos|m|O|buy,read
pen|pens|bolígrafo|bolígrafos|m|O|buy,tool,break
pencil|pencils|lápiz|lápices|m|O|buy,tool,break
table|tables|mesa|mesas|f|O|buy,break,clean
chair|chairs|silla|sillas|f|O|buy,break,clean
door|doors|puerta|puertas|f|O|open,close,clean
window|windows|ventana|ventanas|f|O|open,close,clean,break
box|boxes|caja|cajas|f|O|buy,open,close,clean
bag|bags|bolsa|bolsas|f|O|buy,open,close
key|keys|llave|llaves|f|O|tool,keep
phone|phones|teléfono|teléfonos|m|O|buy,tool,break
ball|balls|pelota|pelotas|f|O|buy
cup|cups|taza|tazas|f|O|buy,break,clean,wash,tool
glass|glasses|vaso|vasos|m|O|buy,break,clean,wash,tool
plate|plates|plato|platos|m|O|buy,break,clean,wash,tool
bottle|bottles|botella|botellas|f|O|buy,open,close,break
flower|flowers|flor|flores|f|O|buy
photo|photos|foto|fotos|f|O|keep
map|maps|mapa|mapas|m|O|buy,read,tool
computer|computers|computadora|computadoras|f|O|buy,tool,break
clock|clocks|reloj|relojes|m|O|buy,break
lamp|lamps|lámpara|lámparas|f|O|buy,break
toy|toys|juguete|juguetes|m|O|buy,break
knife|knives|cuchillo|cuchillos|m|O|buy,tool
gift|gifts|regalo|regalos|m|O|buy,open
song|songs|canción|canciones|f|I|write,listen
story|stories|cuento|cuentos|m|I|read,write,listen
message|messages|mensaje|mensajes|m|I|read,write,keep
movie|movies|película|películas|f|I|
music|-|música|-|f|I|listen
shirt|shirts|camisa|camisas|f|C|wash
hat|hats|sombrero|sombreros|m|C|wash
shoe|shoes|zapato|zapatos|m|C|wash,clean
dress|dresses|vestido|vestidos|m|C|wash
coat|coats|abrigo|abrigos|m|C|wash
car|cars|coche|coches|m|V|tool,wash,clean
bicycle|bicycles|bicicleta|bicicletas|f|V|tool,wash,clean,break
train|trains|tren|trenes|m|V|
boat|boats|barco|barcos|m|V|
house|houses|casa|casas|f|P|clean
school|schools|escuela|escuelas|f|P|
park|parks|parque|parques|m|P|
market|markets|mercado|mercados|m|P|nopos
city|cities|ciudad|ciudades|f|P|
beach|beaches|playa|playas|f|P|nopos,on
garden|gardens|jardín|jardines|m|P|
kitchen|kitchens|cocina|cocinas|f|P|clean
room|rooms|habitación|habitaciones|f|P|clean
library|libraries|biblioteca|bibliotecas|f|P|nopos
store|stores|tienda|tiendas|f|P|
museum|museums|museo|museos|m|P|nopos
hospital|hospitals|hospital|hospitales|m|P|nopos
river|rivers|río|ríos|m|P|nopos
forest|forests|bosque|bosques|m|P|nopos
restaurant|restaurants|restaurante|restaurantes|m|P|
office|offices|oficina|oficinas|f|P|
street|streets|calle|calles|f|P|nopos
farm|farms|granja|granjas|f|P|on
"""

# Adjectives: english | spanish m.sg f.sg m.pl f.pl | noun classes / noun keys it may modify.
# In English the adjective precedes the noun; in Spanish it always follows it.
ADJ_TABLE = """
red|rojo roja rojos rojas|O C V apple tomato strawberry
blue|azul azul azules azules|O C V
green|verde verde verdes verdes|O C V apple tomato banana lemon
white|blanco blanca blancos blancas|O C V A egg bread rice wine
black|negro negra negros negras|O C V A coffee tea
yellow|amarillo amarilla amarillos amarillas|O C V banana lemon
brown|marrón marrón marrones marrones|O C A
gray|gris gris grises grises|O C V A
big|grande grande grandes grandes|H A O C V P FS
small|pequeño pequeña pequeños pequeñas|H A O C V P FS
long|largo larga largos largas|street river dress coat song story movie message letter table knife pencil train
new|nuevo nueva nuevos nuevas|O C V P I
old|viejo vieja viejos viejas|H A O C V P
young|joven joven jóvenes jóvenes|H A
good|bueno buena buenos buenas|H A FS FM D O I
bad|malo mala malos malas|H A FS FM D I
pretty|bonito bonita bonitos bonitas|A O C P I
beautiful|hermoso hermosa hermosos hermosas|H A P C I
ugly|feo fea feos feas|A O C P
cheap|barato barata baratos baratas|O C V FS FM D
expensive|caro cara caros caras|O C V FS FM D
happy|feliz feliz felices felices|H A
sad|triste triste tristes tristes|H A song story movie
tired|cansado cansada cansados cansadas|H A
angry|enojado enojada enojados enojadas|H A
strong|fuerte fuerte fuertes fuertes|H A
smart|inteligente inteligente inteligentes inteligentes|H A
kind|amable amable amables amables|H
quiet|tranquilo tranquila tranquilos tranquilas|H A P
fresh|fresco fresca frescos frescas|FS FM milk juice
hot|caliente caliente calientes calientes|FM D
cold|frío fría fríos frías|FM D
sweet|dulce dulce dulces dulces|FS FM D
delicious|delicioso deliciosa deliciosos deliciosas|FS FM D
dirty|sucio sucia sucios sucias|O C V P A
fast|rápido rápida rápidos rápidas|H A V
"""

REGULAR_ENDINGS = {
    "ar": ["o", "as", "a", "amos", "áis", "an"],
    "er": ["o", "es", "e", "emos", "éis", "en"],
    "ir": ["o", "es", "e", "imos", "ís", "en"],
}
PERSONS = ["1s", "2s", "3s", "1p", "2p", "3p"]

IRREGULAR = {
    "querer": "quiero quieres quiere queremos queréis quieren",
    "tener": "tengo tienes tiene tenemos tenéis tienen",
    "ver": "veo ves ve vemos veis ven",
    "encontrar": "encuentro encuentras encuentra encontramos encontráis encuentran",
    "cerrar": "cierro cierras cierra cerramos cerráis cierran",
    "traer": "traigo traes trae traemos traéis traen",
    "conocer": "conozco conoces conoce conocemos conocéis conocen",
    "dormir": "duermo duermes duerme dormimos dormís duermen",
    "jugar": "juego juegas juega jugamos jugáis juegan",
    "ir": "voy vas va vamos vais van",
    "volver": "vuelvo vuelves vuelve volvemos volvéis vuelven",
}

ALL_PLACES = "house school park market city beach garden kitchen room library store museum " \
             "hospital river forest restaurant office street farm"
ANIMAL_PLACES = "park garden house forest river farm beach street"
BUYABLE = "FS FM D #buy C V #pet"

# Verb table. Fields:
#   en: base form (with particle: "look for"), en3: third person singular ("looks for"),
#   es: infinitive, subj: subject classes (H and/or A),
#   obj: object selectors when the subject is a person (classes, #tags, noun keys),
#   objA: object selectors when the subject is an animal (default: same as obj),
#   loc: places for "in the X" -> "en el X", with: selectors for "with X" -> "con X",
#   to: places for "to the X" -> "a(l) X", toA: ditto for animal subjects,
#   bare: the verb may stand without complement, inf: takes "to" + infinitive phrase.
VERB_SPECS = [
    dict(en="eat", en3="eats", es="comer", subj="H A", obj="FS FM", bare=True),
    dict(en="drink", en3="drinks", es="beber", subj="H A", obj="D", objA="milk"),
    dict(en="read", en3="reads", es="leer", subj="H", obj="#read", bare=True),
    dict(en="write", en3="writes", es="escribir", subj="H", obj="#write", bare=True),
    dict(en="buy", en3="buys", es="comprar", subj="H", obj=BUYABLE),
    dict(en="sell", en3="sells", es="vender", subj="H", obj=BUYABLE),
    dict(en="want", en3="wants", es="querer", subj="H A", obj=BUYABLE,
         objA="FS FM milk ball toy", inf=True),
    dict(en="have", en3="has", es="tener", subj="H A", obj="#buy #keep C V #pet FS",
         objA="ball toy"),
    dict(en="see", en3="sees", es="ver", subj="H A", obj="H O C V P",
         objA="H ball toy car train"),
    dict(en="find", en3="finds", es="encontrar", subj="H A", obj="O C",
         objA="ball toy key FS"),
    dict(en="look for", en3="looks for", es="buscar", subj="H A", obj="O C H",
         objA="ball toy FS"),
    dict(en="need", en3="needs", es="necesitar", subj="H", obj="#buy FS FM D C V", inf=True),
    dict(en="use", en3="uses", es="usar", subj="H", obj="#tool"),
    dict(en="open", en3="opens", es="abrir", subj="H", obj="#open"),
    dict(en="close", en3="closes", es="cerrar", subj="H", obj="#close"),
    dict(en="break", en3="breaks", es="romper", subj="H A", obj="#break",
         objA="cup glass plate lamp toy bottle"),
    dict(en="clean", en3="cleans", es="limpiar", subj="H", obj="#clean"),
    dict(en="wash", en3="washes", es="lavar", subj="H", obj="#wash"),
    dict(en="cook", en3="cooks", es="cocinar", subj="H", obj="#cook"),
    dict(en="bring", en3="brings", es="traer", subj="H A", obj="#buy FS FM D C #keep",
         objA="ball toy newspaper"),
    dict(en="help", en3="helps", es="ayudar", subj="H", obj="H"),
    dict(en="call", en3="calls", es="llamar", subj="H", obj="H"),
    dict(en="visit", en3="visits", es="visitar", subj="H", obj="H P"),
    dict(en="know", en3="knows", es="conocer", subj="H", obj="H P"),
    dict(en="listen to", en3="listens to", es="escuchar", subj="H A", obj="#listen H",
         objA="music H"),
    dict(en="watch", en3="watches", es="mirar", subj="H A", obj="movie H V", objA="H V"),
    dict(en="sing", en3="sings", es="cantar", subj="H A", obj="song",
         loc="house street park garden kitchen school", bare=True),
    dict(en="sleep", en3="sleeps", es="dormir", subj="H A",
         loc="house room garden forest park", bare=True),
    dict(en="run", en3="runs", es="correr", subj="H A", loc="park garden street forest beach",
         with_="H #pet", bare=True),
    dict(en="walk", en3="walks", es="caminar", subj="H A",
         loc="park street city forest beach garden", with_="H #pet", bare=True),
    dict(en="swim", en3="swims", es="nadar", subj="H A", loc="river beach", with_="H",
         bare=True),
    dict(en="work", en3="works", es="trabajar", subj="H",
         loc="office hospital school store restaurant farm market library museum city kitchen",
         with_="H", bare=True),
    dict(en="play", en3="plays", es="jugar", subj="H A",
         loc="park garden street house school room beach", with_="H #pet ball toy", bare=True),
    dict(en="study", en3="studies", es="estudiar", subj="H", loc="library school house room",
         with_="H", bare=True),
    dict(en="live", en3="lives", es="vivir", subj="H A", loc="city house farm forest",
         with_="H"),
    dict(en="go", en3="goes", es="ir", subj="H A", to=ALL_PLACES, toA=ANIMAL_PLACES),
    dict(en="return", en3="returns", es="volver", subj="H A", to=ALL_PLACES, toA=ANIMAL_PLACES),
]

# Subject pronouns: english, person.  Spanish drops every subject pronoun.
PRONOUNS = [("i", "1s"), ("you", "2s"), ("he", "3s"), ("she", "3s"),
            ("we", "1p"), ("you all", "2p"), ("they", "3p")]

# Determiners: english singular / plural form, spanish forms by gender+number.
DETS = {
    "the":   ("the", "the", {"ms": "el", "fs": "la", "mp": "los", "fp": "las"}),
    "a":     ("a", None, {"ms": "un", "fs": "una"}),
    "this":  ("this", "these", {"ms": "este", "fs": "esta", "mp": "estos", "fp": "estas"}),
    "that":  ("that", "those", {"ms": "ese", "fs": "esa", "mp": "esos", "fp": "esas"}),
    "my":    ("my", "my", {"ms": "mi", "fs": "mi", "mp": "mis", "fp": "mis"}),
    "our":   ("our", "our", {"ms": "nuestro", "fs": "nuestra", "mp": "nuestros",
                             "fp": "nuestras"}),
    "his":   ("his", "his", {"ms": "su", "fs": "su", "mp": "sus", "fp": "sus"}),
    "her":   ("her", "her", {"ms": "su", "fs": "su", "mp": "sus", "fp": "sus"}),
    "two":   (None, "two", {"mp": "dos", "fp": "dos"}),
    "three": (None, "three", {"mp": "tres", "fp": "tres"}),
    "many":  (None, "many", {"mp": "muchos", "fp": "muchas"}),
    "bare":  ("", "", {"ms": "", "fs": "", "mp": "", "fp": ""}),
}
# Determiner weights per role (filtered by number / countability at use).
DET_WEIGHTS = {
    "subj":  [("the", 40), ("a", 12), ("this", 7), ("that", 5), ("my", 14), ("our", 6),
              ("his", 4), ("her", 4), ("two", 3), ("three", 2), ("many", 3)],
    "obj":   [("the", 35), ("a", 14), ("this", 6), ("that", 4), ("my", 10), ("our", 4),
              ("his", 3), ("her", 3), ("two", 3), ("three", 2), ("many", 2), ("bare", 14)],
    "hobj":  [("the", 45), ("this", 6), ("that", 4), ("my", 25), ("our", 8), ("his", 6),
              ("her", 6)],
    "place": [("the", 60), ("my", 14), ("our", 8), ("this", 5), ("that", 4), ("his", 4),
              ("her", 4)],
    "with":  [("the", 40), ("my", 25), ("our", 8), ("his", 6), ("her", 6), ("this", 4),
              ("that", 3), ("a", 8)],
}

# Sentence-final adverbials.
ADVERBS = [("today", "hoy"), ("now", "ahora"), ("every day", "todos los días"),
           ("at night", "por la noche"), ("in the morning", "por la mañana")]

CONJ = {"and": "y", "but": "pero", "because": "porque"}

CONSTRUCTIONS = ["simple", "pronoun-drop", "adjective", "negation", "question", "two-clauses",
                 "unseen-adj-noun", "unseen-subj-verb"]
# Training mix of sentence shapes (the unseen-* test constructions are built from these shapes).
TRAIN_SHAPES = [("simple", 10), ("pronoun-drop", 10), ("adjective", 12), ("negation", 12),
                ("question", 12), ("two-clauses", 14)]


class Noun:
    def __init__(self, line):
        en, enp, es, esp, g, cls, tags = line.split("|")
        self.key = en
        self.en_sg, self.es_sg, self.gender, self.cls = en, es, g, cls
        self.mass = enp == "-"
        self.en_pl = None if self.mass else enp
        self.es_pl = None if self.mass else esp
        self.tags = [t for t in tags.split(",") if t]


class Adj:
    def __init__(self, line):
        en, forms, classes = line.split("|")
        self.key = self.en = en
        ms, fs, mp, fp = forms.split()
        self.forms = {"ms": ms, "fs": fs, "mp": mp, "fp": fp}
        self.targets = classes.split()


class Verb:
    def __init__(self, spec):
        self.key = self.en = spec["en"]
        self.en3 = spec["en3"]
        self.inf = spec["es"]
        if self.inf in IRREGULAR:
            forms = IRREGULAR[self.inf].split()
            self.irregular = True
        else:
            stem, end = self.inf[:-2], self.inf[-2:]
            forms = [stem + e for e in REGULAR_ENDINGS[end]]
            self.irregular = False
        assert len(forms) == 6 and len(set(forms)) == 6, self.inf
        self.forms = dict(zip(PERSONS, forms))
        self.subj = spec["subj"].split()
        self.obj_sel = spec.get("obj", "")
        self.objA_sel = spec.get("objA", self.obj_sel)
        self.loc_sel = spec.get("loc", "")
        self.with_sel = spec.get("with_", "")
        self.to_sel = spec.get("to", "")
        self.toA_sel = spec.get("toA", self.to_sel)
        self.bare = spec.get("bare", False)
        self.takes_inf = spec.get("inf", False)


NOUNS = [Noun(l) for l in NOUN_TABLE.strip().splitlines()]
NOUN = {n.key: n for n in NOUNS}
ADJS = [Adj(l) for l in ADJ_TABLE.strip().splitlines()]
ADJ = {a.key: a for a in ADJS}
VERBS = [Verb(s) for s in VERB_SPECS]
VERB = {v.key: v for v in VERBS}
CLASSES = ["H", "A", "FS", "FM", "D", "O", "I", "C", "V", "P"]
# want / need take "to" + infinitive half of the time; drawn more often so that every
# infinitive (ir, comer, ...) is frequent in training.
VERB_WEIGHTS = [(v, 3 if v.takes_inf else 1) for v in VERBS]


def select(selectors):
    """Resolve 'H #tool ball' style selectors to a list of nouns, in table order."""
    sel = selectors.split()
    out = []
    for n in NOUNS:
        if any(s == n.cls or s == n.key or (s.startswith("#") and
               (s[1:] in n.tags or (s == "#pet" and "pet" in n.tags))) for s in sel):
            out.append(n)
    for s in sel:
        assert s in CLASSES or s in NOUN or s.startswith("#"), s
    return out


for v in VERBS:
    v.obj = {"H": select(v.obj_sel), "A": select(v.objA_sel)}
    v.loc = select(v.loc_sel)
    v.with_ = select(v.with_sel)
    v.to = {"H": select(v.to_sel), "A": select(v.toA_sel)}
    for n in v.loc + v.to["H"] + v.to["A"]:
        assert n.cls == "P", (v.en, n.key)

for a in ADJS:
    a.nouns = [n for n in NOUNS if n.cls in a.targets or n.key in a.targets]
    for t in a.targets:
        assert t in CLASSES or t in NOUN, (a.en, t)
    assert len(a.nouns) >= 4, a.en


def gn(noun, plural):
    return noun.gender + ("p" if plural else "s")


def an_article(next_word):
    return "an" if next_word[0] in "aeiou" else "a"


# --------------------------------------------------------------------------------------------
# Phrases
# --------------------------------------------------------------------------------------------
class NP:
    def __init__(self, noun, plural, det, adj):
        self.noun, self.plural, self.det, self.adj = noun, plural, det, adj

    def en(self):
        words = []
        if self.adj:
            words.append(self.adj.en)
        words.append(self.noun.en_pl if self.plural else self.noun.en_sg)
        d = DETS[self.det][1 if self.plural else 0]
        if self.det == "a":
            d = an_article(words[0])
        return ([d] if d else []) + words

    def es(self):
        k = gn(self.noun, self.plural)
        d = DETS[self.det][2][k]
        words = [d] if d else []
        words.append(self.noun.es_pl if self.plural else self.noun.es_sg)
        if self.adj:
            words.append(self.adj.forms[k])
        return words


def contract_a(words):
    """Spanish preposition a + el -> al."""
    if words and words[0] == "el":
        return ["al"] + words[1:]
    return ["a"] + words


class Clause:
    """subject + verb (+ complement) (+ adverbial)."""

    def __init__(self, subj, verb, comp, adverb, neg):
        self.subj = subj          # ("pron", english, person) or ("np", NP)
        self.verb = verb
        self.comp = comp          # None, (kind, NP) or ("inf", Verb, comp)
        self.adverb = adverb      # index into ADVERBS or None
        self.neg = neg

    def person(self):
        if self.subj[0] == "pron":
            return self.subj[2]
        return "3p" if self.subj[1].plural else "3s"

    def subj_en(self):
        return self.subj[1].split() if self.subj[0] == "pron" else self.subj[1].en()

    @staticmethod
    def comp_en(comp):
        if comp is None:
            return []
        kind = comp[0]
        if kind == "inf":
            return ["to"] + comp[1].en.split() + Clause.comp_en(comp[2])
        prep = {"obj": [], "loc": ["on" if "on" in comp[1].noun.tags else "in"],
                "with": ["with"], "to": ["to"]}[kind]
        return prep + comp[1].en()

    @staticmethod
    def comp_es(comp):
        if comp is None:
            return []
        kind = comp[0]
        if kind == "inf":
            return [comp[1].inf] + Clause.comp_es(comp[2])
        np = comp[1]
        if kind == "obj":
            return contract_a(np.es()) if np.noun.cls == "H" else np.es()   # personal a
        if kind == "loc":
            return ["en"] + np.es()
        if kind == "with":
            return ["con"] + np.es()
        if kind == "to":
            return contract_a(np.es())
        raise ValueError(kind)

    def adv_en(self):
        return ADVERBS[self.adverb][0].split() if self.adverb is not None else []

    def adv_es(self):
        return ADVERBS[self.adverb][1].split() if self.adverb is not None else []

    def render(self, question=False):
        p = self.person()
        aux = "does" if p == "3s" else "do"
        verb_base = self.verb.en.split()
        rest_en = self.comp_en(self.comp) + self.adv_en()
        if question:
            assert not self.neg
            en = [aux] + self.subj_en() + verb_base + rest_en + ["?"]
        elif self.neg:
            en = self.subj_en() + [aux, "not"] + verb_base + rest_en
        else:
            finite = (self.verb.en3 if p == "3s" else self.verb.en).split()
            en = self.subj_en() + finite + rest_en
        es = []
        if self.subj[0] == "np":          # pronoun subjects are dropped
            es += self.subj[1].es()
        if self.neg:
            es.append("no")
        es.append(self.verb.forms[p])
        es += self.comp_es(self.comp) + self.adv_es()
        if question:
            es = ["¿"] + es + ["?"]
        return en, es

    def nps(self):
        out = []
        if self.subj[0] == "np":
            out.append(self.subj[1])
        c = self.comp
        while c is not None:
            if c[0] == "inf":
                c = c[2]
            else:
                out.append(c[1])
                c = None
        return out

    def an_pairs(self):
        return [(np.adj.key, np.noun.key) for np in self.nps() if np.adj]

    def sv_pairs(self):
        if self.subj[0] != "np":
            return []
        n = self.subj[1].noun.key
        out = [(n, self.verb.key)]
        if self.comp is not None and self.comp[0] == "inf":
            out.append((n, self.comp[1].key))
        return out


class Sentence:
    def __init__(self, clauses, conj=None, question=False):
        self.clauses, self.conj, self.question = clauses, conj, question

    def render(self):
        if len(self.clauses) == 1:
            en, es = self.clauses[0].render(self.question)
        else:
            en1, es1 = self.clauses[0].render()
            en2, es2 = self.clauses[1].render()
            c = CONJ[self.conj]
            if c == "y" and (es2[0].startswith("i") or
                             (es2[0].startswith("hi") and not es2[0].startswith("hie"))):
                c = "e"
            en, es = en1 + [self.conj] + en2, es1 + [c] + es2
        return " ".join(en), " ".join(es)

    def an_pairs(self):
        return [p for c in self.clauses for p in c.an_pairs()]

    def sv_pairs(self):
        return [p for c in self.clauses for p in c.sv_pairs()]

    def has_adj(self):
        return bool(self.an_pairs())


# --------------------------------------------------------------------------------------------
# Random generation
# --------------------------------------------------------------------------------------------
def wchoice(rng, items):
    total = sum(w for _, w in items)
    r = rng.random() * total
    for x, w in items:
        r -= w
        if r < 0:
            return x
    return items[-1][0]


class Gen:
    def __init__(self, rng, heldout_an, heldout_sv):
        self.rng = rng
        self.heldout_an = heldout_an      # set of (adj, noun)
        self.heldout_sv = heldout_sv      # set of (noun, verb)

    def make_np(self, noun, role, adj_p, force_adj=None, singular=False):
        rng = self.rng
        if noun.mass or singular or role in ("place",):
            plural = False
        else:
            plural = rng.random() < 0.35
        if role == "obj" and noun.cls == "H":
            role = "hobj"
        if role == "with" and noun.cls in ("H", "A"):
            dets = [d for d in DET_WEIGHTS["hobj"]]
        else:
            dets = DET_WEIGHTS[role]
        ok = []
        for d, w in dets:
            en_sg, en_pl, _ = DETS[d]
            if noun.mass and d not in ("the", "this", "that", "my", "our", "his", "her",
                                       "bare"):
                continue
            if (en_pl if plural else en_sg) is None:
                continue
            if d == "bare" and not (noun.mass or plural):
                continue
            if d in ("my", "our", "his", "her") and "nopos" in noun.tags:
                continue
            ok.append((d, w))
        det = wchoice(rng, ok)
        adj = force_adj
        if adj is None and rng.random() < adj_p:
            cands = [a for a in ADJS if noun in a.nouns
                     and (a.key, noun.key) not in self.heldout_an]
            adj = rng.choice(cands)
        return NP(noun, plural, det, adj)

    def comp_options(self, verb, sc, in_inf=False):
        """(kind, nouns, weight) complement options for verb with a subject of class sc."""
        opts = []
        if verb.obj[sc]:
            opts.append(("obj", verb.obj[sc], 6))
        if verb.loc:
            opts.append(("loc", verb.loc, 4))
        if verb.with_:
            opts.append(("with", verb.with_, 2))
        if verb.to[sc]:
            opts.append(("to", verb.to[sc], 8))
        if verb.bare:
            opts.append(("none", [], 2))
        if verb.en == "go" and in_inf:
            opts.append(("none", [], 3))       # "i want to go" -> "quiero ir"
        return opts

    def make_comp(self, verb, sc, adj_p, in_inf=False, subj_noun=None, allow_inf=True,
                  force=None):
        """force = (kind, noun, adj) to put a given noun (with adj) in the complement."""
        rng = self.rng
        if force is not None:
            kind, noun, adj = force
            role = {"obj": "obj", "loc": "place", "to": "place", "with": "with"}[kind]
            return (kind, self.make_np(noun, role, adj_p, force_adj=adj))
        if verb.takes_inf and allow_inf and not in_inf and rng.random() < 0.5:
            cands = [v for v in VERBS if not v.takes_inf and sc in v.subj
                     and (subj_noun is None or (subj_noun.key, v.key) not in self.heldout_sv)]
            v2 = wchoice(rng, [(v, 4 if v.en == "go" else 1) for v in cands])  # "to go" -> "ir"
            return ("inf", v2, self.make_comp(v2, sc, adj_p, in_inf=True))
        opts = self.comp_options(verb, sc, in_inf)
        kind, nouns = None, None
        choice = wchoice(rng, [((k, ns), w) for k, ns, w in opts])
        kind, nouns = choice
        if kind == "none":
            return None
        noun = rng.choice(nouns)
        role = {"obj": "obj", "loc": "place", "to": "place", "with": "with"}[kind]
        return (kind, self.make_np(noun, role, adj_p))

    def make_clause(self, subj_kind, adj_p, neg, adv_p, force_an=None, force_sv=None):
        """subj_kind: 'pron', 'noun' or None (random)."""
        rng = self.rng
        comp_force = None
        subj_force = None          # (noun, adj)
        if force_sv is not None:
            noun, verb = NOUN[force_sv[0]], VERB[force_sv[1]]
            subj_force = (noun, None)
            sc = noun.cls
        elif force_an is not None:
            adj, noun = ADJ[force_an[0]], NOUN[force_an[1]]
            roles = self.roles_for(noun, subj_kind)
            role = rng.choice(roles)
            verb = VERB[role[1]]
            sc = role[2]
            if role[0] == "subj":
                subj_force = (noun, adj)
            else:
                comp_force = (role[0], noun, adj)
                if sc == "A":
                    subj_kind = "noun"
        else:
            verb = wchoice(rng, VERB_WEIGHTS)
            sc = None
        if subj_force is None:
            if subj_kind is None:
                subj_kind = "pron" if rng.random() < 0.4 else "noun"
            if sc is None:
                sc = "H" if (subj_kind == "pron" or verb.subj == ["H"]
                             or rng.random() < 0.6) else "A"
            if sc == "A":
                subj_kind = "noun"
        if subj_force is not None:
            subj = ("np", self.make_np(subj_force[0], "subj", adj_p, force_adj=subj_force[1]))
        elif subj_kind == "pron":
            en, person = rng.choice(PRONOUNS)
            subj = ("pron", en, person)
        else:
            cands = [n for n in NOUNS if n.cls == sc
                     and (n.key, verb.key) not in self.heldout_sv]
            subj = ("np", self.make_np(rng.choice(cands), "subj", adj_p))
        subj_noun = subj[1].noun if subj[0] == "np" else None
        comp = self.make_comp(verb, sc, adj_p, subj_noun=subj_noun, force=comp_force)
        adverb = rng.randrange(len(ADVERBS)) if rng.random() < adv_p else None
        return Clause(subj, verb, comp, adverb, neg)

    def roles_for(self, noun, subj_kind):
        """Every (role, verb, subject class) in which noun can appear."""
        roles = []
        for v in VERBS:
            if noun.cls in v.subj and subj_kind != "pron":
                if (noun.key, v.key) not in self.heldout_sv:
                    roles.append(("subj", v.key, noun.cls))
            for sc in v.subj:
                if subj_kind == "pron" and sc != "H":
                    continue
                if noun in v.obj[sc]:
                    roles.append(("obj", v.key, sc))
                if noun in v.loc:
                    roles.append(("loc", v.key, sc))
                if noun in v.with_:
                    roles.append(("with", v.key, sc))
                if noun in v.to[sc]:
                    roles.append(("to", v.key, sc))
        assert roles, noun.key
        return roles

    def sentence(self, shape, force_an=None, force_sv=None):
        rng = self.rng
        fa, fs = force_an, force_sv
        if shape == "simple":
            cl = self.make_clause("noun", 0.0, False, 0.2, fa, fs)
            return Sentence([cl])
        if shape == "pronoun-drop":
            cl = self.make_clause("pron", 0.0, False, 0.2, fa, fs)
            return Sentence([cl])
        if shape == "adjective":
            cl = self.make_clause(None, 0.6, False, 0.15, fa, fs)
            return Sentence([cl])
        if shape == "negation":
            cl = self.make_clause(None, 0.25, True, 0.15, fa, fs)
            return Sentence([cl])
        if shape == "question":
            cl = self.make_clause(None, 0.25, False, 0.15, fa, fs)
            return Sentence([cl], question=True)
        if shape == "two-clauses":
            first = rng.random() < 0.5
            c1 = self.make_clause(None, 0.15, rng.random() < 0.3, 0.06,
                                  fa if first else None, fs if first else None)
            c2 = self.make_clause(None, 0.15, rng.random() < 0.3, 0.06,
                                  None if first else fa, None if first else fs)
            conj = wchoice(rng, [("and", 5), ("but", 3), ("because", 3)])
            return Sentence([c1, c2], conj=conj)
        raise ValueError(shape)


def ntok(s):
    return len(s.split(" "))


def shape_ok(shape, sent):
    """The sentence really shows the construction its shape names."""
    if shape == "adjective":
        return sent.has_adj()
    if shape in ("simple", "pronoun-drop"):
        return not sent.has_adj()
    return True


# --------------------------------------------------------------------------------------------
# Held-out combinations
# --------------------------------------------------------------------------------------------
def pick_heldout(rng):
    reachable = set()
    for v in VERBS:
        for sc in ("H", "A"):
            for n in v.obj[sc] + v.to[sc]:
                reachable.add(n.key)
        for n in v.loc + v.with_:
            reachable.add(n.key)
        for n in NOUNS:
            if n.cls in v.subj:
                reachable.add(n.key)
    an_cands = [(a.key, n.key) for a in ADJS for n in a.nouns if n.key in reachable]
    rng.shuffle(an_cands)
    heldout_an, used_noun, used_adj = [], Counter(), Counter()
    for a, n in an_cands:
        if used_noun[n] >= 1 or used_adj[a] >= 2:
            continue
        if len(ADJ[a].nouns) < 6:
            continue
        if sum(1 for x in ADJS if NOUN[n] in x.nouns) < 4:
            continue
        heldout_an.append((a, n))
        used_noun[n] += 1
        used_adj[a] += 1
        if len(heldout_an) == N_HELDOUT_ADJ_NOUN:
            break
    sv_cands = [(n.key, v.key) for v in VERBS for n in NOUNS if n.cls in v.subj]
    rng.shuffle(sv_cands)
    heldout_sv, used_noun, used_verb = [], Counter(), Counter()
    for n, v in sv_cands:
        if used_noun[n] >= 1 or used_verb[v] >= 2:
            continue
        heldout_sv.append((n, v))
        used_noun[n] += 1
        used_verb[v] += 1
        if len(heldout_sv) == N_HELDOUT_SUBJ_VERB:
            break
    assert len(heldout_an) == N_HELDOUT_ADJ_NOUN and len(heldout_sv) == N_HELDOUT_SUBJ_VERB
    return sorted(heldout_an), sorted(heldout_sv)


# --------------------------------------------------------------------------------------------
# Fixed pairs (training only): the explainer's two examples and their relatives
# --------------------------------------------------------------------------------------------
def fixed_pairs(rng, heldout_an):
    pairs = [("let's go", "vamos"), ("to go", "ir")]
    for v in VERBS:
        if v.en != "go":
            pairs.append(("to " + v.en, v.inf))          # "to eat" -> "comer"
    for en, es in ADVERBS[:2]:
        pairs.append(("let's go " + en, "vamos " + es))  # "let's go now" -> "vamos ahora"
    lets = []
    for n in NOUNS:
        if n.cls != "P":
            continue
        for det in ("the", "my", "our", "this", "that"):
            if det in ("my", "our") and "nopos" in n.tags:
                continue
            for adj in [None] + [a for a in ADJS if n in a.nouns
                                 and (a.key, n.key) not in set(heldout_an)]:
                for adv in (None, 0, 1):
                    np = NP(n, False, det, adj)
                    en = ["let's", "go", "to"] + np.en()
                    es = ["vamos"] + contract_a(np.es())
                    if adv is not None:
                        en += ADVERBS[adv][0].split()
                        es += ADVERBS[adv][1].split()
                    lets.append((" ".join(en), " ".join(es)))
    # mostly plain "let's go to the X", then a sample of the rest
    plain = [p for p in lets if len(p[0].split()) == 5]
    other = [p for p in lets if len(p[0].split()) != 5]
    rng.shuffle(other)
    pairs += plain + other[:max(0, N_LETS_GO - len(plain))]
    return pairs


# --------------------------------------------------------------------------------------------
# Surface checks, independent of the generator's own bookkeeping
# --------------------------------------------------------------------------------------------
def surface_an(en, es, heldout_an):
    """Held-out (adj, noun) pairs visible in the token strings."""
    found = set()
    et, st = en.split(), es.split()
    ebig = set(zip(et, et[1:]))
    sbig = set(zip(st, st[1:]))
    for a, n in heldout_an:
        A, N = ADJ[a], NOUN[n]
        forms_en = [(A.en, N.en_sg)] + ([(A.en, N.en_pl)] if N.en_pl else [])
        forms_es = [(N.es_sg, A.forms[N.gender + "s"])]
        if N.es_pl:
            forms_es.append((N.es_pl, A.forms[N.gender + "p"]))
        if any(f in ebig for f in forms_en) or any(f in sbig for f in forms_es):
            found.add((a, n))
    return found


EN_NOUN_FORM = {}
for _n in NOUNS:
    EN_NOUN_FORM[_n.en_sg] = _n.key
    if _n.en_pl:
        EN_NOUN_FORM[_n.en_pl] = _n.key
EN_VERB_FORM = {}
for _v in VERBS:
    EN_VERB_FORM[_v.en.split()[0]] = _v.key
    EN_VERB_FORM[_v.en3.split()[0]] = _v.key


def surface_sv(en):
    """(noun, verb) pairs where an English noun form is directly followed by a verb
    (optionally after 'do/does not', and following 'want(s)/need(s) to')."""
    t = en.split()
    out = set()
    for i, w in enumerate(t):
        if w not in EN_NOUN_FORM:
            continue
        j = i + 1
        if t[j:j + 2] in (["does", "not"], ["do", "not"]):
            j += 2
        if j < len(t) and t[j] in EN_VERB_FORM:
            v = EN_VERB_FORM[t[j]]
            out.add((EN_NOUN_FORM[w], v))
            if v in ("want", "need") and j + 2 < len(t) and t[j + 1] == "to" \
                    and t[j + 2] in EN_VERB_FORM:
                out.add((EN_NOUN_FORM[w], EN_VERB_FORM[t[j + 2]]))
    # (questions need no extra case: "do/does DET (ADJ) NOUN VERB ..." also puts the subject
    # noun directly before the verb)
    return out


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="output directory")
    args = ap.parse_args()

    # Disjoint English word classes keep the surface checks (and the task) unambiguous.
    en_nouns = set(EN_NOUN_FORM)
    en_verbs = set(EN_VERB_FORM)
    en_adjs = {a.en for a in ADJS}
    assert not (en_nouns & en_verbs), en_nouns & en_verbs
    assert not (en_nouns & en_adjs), en_nouns & en_adjs
    assert not (en_verbs & en_adjs), en_verbs & en_adjs

    rng = random.Random(SEED)
    heldout_an, heldout_sv = pick_heldout(random.Random(SEED + 1))
    han, hsv = set(heldout_an), set(heldout_sv)
    gen = Gen(rng, han, hsv)

    # ---- test set: 150 per construction -----------------------------------------------
    test = []             # (en, es, construction)
    test_en = set()
    rr_an = rr_sv = 0
    for cons in CONSTRUCTIONS:
        made = 0
        while made < N_TEST_PER_CONSTRUCTION:
            if cons == "unseen-adj-noun":
                target = heldout_an[rr_an % len(heldout_an)]
                shape = rng.choice(["adjective", "negation", "question", "two-clauses"])
                s = gen.sentence(shape, force_an=target)
            elif cons == "unseen-subj-verb":
                target = heldout_sv[rr_sv % len(heldout_sv)]
                shape = rng.choice(["simple", "adjective", "negation", "question",
                                    "two-clauses"])
                s = gen.sentence(shape, force_sv=target)
            else:
                shape = cons
                s = gen.sentence(shape)
            en, es = s.render()
            if ntok(en) > MAX_TOKENS or ntok(es) > MAX_TOKENS or en in test_en:
                continue
            an, sv = set(s.an_pairs()) & han, set(s.sv_pairs()) & hsv
            if cons == "unseen-adj-noun":
                if target not in an or sv:
                    continue
                rr_an += 1
            elif cons == "unseen-subj-verb":
                if target not in sv or an:
                    continue
                rr_sv += 1
            else:
                if an or sv or not shape_ok(shape, s):
                    continue
            test.append((en, es, cons))
            test_en.add(en)
            made += 1

    # ---- training set ------------------------------------------------------------------
    fixed = fixed_pairs(random.Random(SEED + 2), heldout_an)
    train = list(fixed)
    train_en = {en for en, _ in train}
    assert len(train_en) == len(train)
    while len(train) < N_TRAIN:
        shape = wchoice(rng, TRAIN_SHAPES)
        s = gen.sentence(shape)
        if not shape_ok(shape, s):
            continue
        if set(s.an_pairs()) & han or set(s.sv_pairs()) & hsv:
            continue
        en, es = s.render()
        if ntok(en) > MAX_TOKENS or ntok(es) > MAX_TOKENS:
            continue
        if en in train_en or en in test_en:
            continue
        train.append((en, es))
        train_en.add(en)
    rng.shuffle(train)

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "train.tsv"), "w", encoding="utf-8", newline="\n") as f:
        for en, es in train:
            f.write(f"{en}\t{es}\n")
    with open(os.path.join(args.out, "test.tsv"), "w", encoding="utf-8", newline="\n") as f:
        for en, es, c in test:
            f.write(f"{en}\t{es}\t{c}\n")

    self_check(args.out, heldout_an, heldout_sv)


def self_check(out, heldout_an, heldout_sv):
    """Re-read the written files and check them.  Any failure aborts."""
    with open(os.path.join(out, "train.tsv"), encoding="utf-8") as f:
        train = [tuple(l.rstrip("\n").split("\t")) for l in f]
    with open(os.path.join(out, "test.tsv"), encoding="utf-8") as f:
        test = [tuple(l.rstrip("\n").split("\t")) for l in f]
    han, hsv = set(heldout_an), set(heldout_sv)

    assert all(len(p) == 2 for p in train) and all(len(p) == 3 for p in test)
    for row in train + test:
        for s in row[:2]:
            assert s and s == s.lower() and s == s.strip() and "  " not in s, row
    # no duplicates, test disjoint from train
    assert len(set(train)) == len(train), "duplicate training pair"
    assert len({en for en, _ in train}) == len(train), "duplicate training source"
    assert len({t[0] for t in test}) == len(test), "duplicate test source"
    train_en = {en for en, _ in train}
    assert not any(t[0] in train_en for t in test), "test sentence in train"
    # one Spanish sentence per English sentence across train + test
    mapping = {}
    for en, es in [(p[0], p[1]) for p in train + test]:
        assert mapping.setdefault(en, es) == es, (en, mapping[en], es)
    # held-out combinations absent from train (surface check on both sides)
    for en, es in train:
        assert not surface_an(en, es, han), (en, surface_an(en, es, han))
        assert not (surface_sv(en) & hsv), (en, surface_sv(en) & hsv)
    # every held-out combination is tested, and only in its own construction
    seen_an, seen_sv = set(), set()
    for en, es, c in test:
        a, s = surface_an(en, es, han), surface_sv(en) & hsv
        if c == "unseen-adj-noun":
            assert a and not s, (en, c)
        elif c == "unseen-subj-verb":
            assert s and not a, (en, c)
        else:
            assert not a and not s, (en, c)
        seen_an |= a
        seen_sv |= s
    assert seen_an == han, han - seen_an
    assert seen_sv == hsv, hsv - seen_sv
    # the words of every held-out combination appear in training, in other combinations
    train_an, train_sv = set(), set()
    for en, es in train:
        t = en.split()
        for x, y in zip(t, t[1:]):
            if x in {a.en for a in ADJS} and y in EN_NOUN_FORM:
                train_an.add((x, EN_NOUN_FORM[y]))
        train_sv |= surface_sv(en)
    for a, n in heldout_an:
        assert sum(1 for p in train_an if p[0] == a) >= 5, a
        assert sum(1 for p in train_an if p[1] == n) >= 2, n
    for n, v in heldout_sv:
        assert sum(1 for p in train_sv if p[1] == v) >= 5, v
        assert sum(1 for p in train_sv if p[0] == n) >= 5, n
    # every test token is in the training vocabulary, per side
    voc_en = Counter(w for en, _ in train for w in en.split())
    voc_es = Counter(w for _, es in train for w in es.split())
    for en, es, c in test:
        for w in en.split():
            assert w in voc_en, (w, en)
        for w in es.split():
            assert w in voc_es, (w, es)
    # the explainer's pairs
    assert ("let's go", "vamos") in train and ("to go", "ir") in train
    # lexicon minima
    n_lemmas = len(NOUNS) + len(ADJS) + len(VERBS)
    assert len(NOUNS) >= 80 and len(ADJS) >= 30 and len(VERBS) >= 30 and n_lemmas >= 150
    lex_en, lex_es = set(), set()
    for n in NOUNS:
        lex_en |= {n.en_sg, n.en_pl} - {None}
        lex_es |= {n.es_sg, n.es_pl} - {None}
    for a in ADJS:
        lex_en.add(a.en)
        lex_es |= set(a.forms.values())
    for v in VERBS:
        lex_en |= {v.en, v.en3}
        lex_es |= set(v.forms.values()) | {v.inf}
    assert len(lex_en) >= 300 and len(lex_es) >= 300
    words_en = {w for w in voc_en if any(ch.isalpha() for ch in w)}
    words_es = {w for w in voc_es if any(ch.isalpha() for ch in w)}
    assert len(words_en) >= 300 and len(words_es) >= 300, (len(words_en), len(words_es))
    assert len(train) >= 30000 and len(test) >= 1000
    # length limit
    for row in train + test:
        assert ntok(row[0]) <= MAX_TOKENS and ntok(row[1]) <= MAX_TOKENS, row

    # ---- summary ------------------------------------------------------------------------
    def sha(name):
        with open(os.path.join(out, name), "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()

    print("lexicon: %d lemmas (%d nouns: %d m / %d f, %d mass; %d adjectives; %d verbs, "
          "%d irregular)" % (n_lemmas, len(NOUNS), sum(n.gender == "m" for n in NOUNS),
                             sum(n.gender == "f" for n in NOUNS),
                             sum(n.mass for n in NOUNS), len(ADJS), len(VERBS),
                             sum(v.irregular for v in VERBS)))
    print("lexicon word forms (content words): en %d, es %d" % (len(lex_en), len(lex_es)))
    print("corpus vocabulary (train, all tokens incl. punctuation): en %d, es %d"
          % (len(voc_en), len(voc_es)))
    print("corpus word forms (train, alphabetic tokens): en %d, es %d"
          % (len(words_en), len(words_es)))
    print("pairs: train %d, test %d" % (len(train), len(test)))
    print("held out: %d (adjective, noun) pairs, %d (subject noun, verb) pairs"
          % (len(han), len(hsv)))
    print("test per construction: " + ", ".join(
        "%s %d" % (c, n) for c, n in sorted(Counter(t[2] for t in test).items(),
                                            key=lambda x: CONSTRUCTIONS.index(x[0]))))
    for name, rows in (("train", train), ("test", test)):
        for side, idx in (("en", 0), ("es", 1)):
            lens = [ntok(r[idx]) for r in rows]
            h = Counter(lens)
            in_band = sum(v for k, v in h.items() if 4 <= k <= 14) / len(lens)
            print("length %s %s: mean %.2f, min %d, max %d, 4-14 tokens %.1f%%; histogram %s"
                  % (name, side, sum(lens) / len(lens), min(lens), max(lens), 100 * in_band,
                     " ".join("%d:%d" % (k, h[k]) for k in sorted(h))))
    print("held-out adjective-noun: " + ", ".join("%s %s" % p for p in heldout_an))
    print("held-out subject-verb: " + ", ".join("%s/%s" % p for p in heldout_sv))
    print("sha256 train.tsv %s" % sha("train.tsv"))
    print("sha256 test.tsv  %s" % sha("test.tsv"))
    print("self-check passed")


if __name__ == "__main__":
    main()
