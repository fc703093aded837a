#!/usr/bin/env python3
"""Records what sacrebleu says for a set of hypotheses and references, so Vamos' own BLEU
(Sources/VamosCore/Training/BLEU.swift) can be checked against it in `make test`.

Run: /path/to/venv/bin/python Tests/Reference/make_bleu_fixture.py   (needs: pip install sacrebleu)
Writes Tests/Fixtures/bleu/sacrebleu.json.
"""
import json, random
import sacrebleu

random.seed(3)
words = "el la los las gato gatos perro rojo roja comen come pescado pan no ¿ ? , . y pero porque 3.5 1,000 x-ray don't".split()
refs = [
    "los gatos rojos no comen el pescado pequeño",
    "¿ comes el pan ?",
    "el perro come , pero el gato no come .",
    "vamos",
    "ir",
    "comemos el pan porque tenemos hambre",
    "las casas blancas son grandes y bonitas",
    "él tiene 3.5 kilos y 1,000 libros",
]
hyps = [
    "los gatos rojos no comen el pescado pequeño",
    "¿ comes pan ?",
    "el perro come pero el gato come .",
    "vamos",
    "vamos",
    "comemos pan porque tenemos hambre",
    "las casas grandes son blancas y bonitas",
    "él tiene 3.5 kilos y 1,000 libro",
]
cases = []
SIGNATURE = ""
def score(h, r):
    global SIGNATURE
    metric = sacrebleu.metrics.BLEU(effective_order=True)  # what Vamos computes (BLEU.swift)
    b = metric.corpus_score(h, [r])
    SIGNATURE = str(metric.get_signature())
    return {"hypotheses": h, "references": r, "bleu": b.score}
cases.append(score(hyps, refs))
cases.append(score(refs, refs))
cases.append(score(hyps[:3], refs[:3]))
# Short sentences: no 4-grams (or no 2-grams at all) — where the effective order matters.
cases.append(score(["vamos", "ir"], ["vamos", "ir"]))
cases.append(score(["vamos", "vamos"], ["vamos", "ir"]))
cases.append(score(["vamos a", "ir ya"], ["vamos a", "ir"]))
cases.append(score(["el gato come", "ir"], ["el gato come", "ir"]))
cases.append(score(["x", "y"], ["vamos", "ir"]))
for n in range(4):
    k = random.randint(3, 8)
    r = [" ".join(random.choice(words) for _ in range(random.randint(4, 12))) for _ in range(k)]
    h = [" ".join(w if random.random() < 0.7 else random.choice(words) for w in s.split()[: random.randint(2, 12)]) for s in r]
    cases.append(score(h, r))
out = {"generator": "Tests/Reference/make_bleu_fixture.py", "sacrebleu": sacrebleu.__version__,
       "signature": SIGNATURE, "cases": cases}
with open("Tests/Fixtures/bleu/sacrebleu.json", "w", encoding="utf-8") as f:
    json.dump(out, f, ensure_ascii=False, indent=1)
    f.write("\n")
for c in cases:
    print(round(c["bleu"], 4))
