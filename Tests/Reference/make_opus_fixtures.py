#!/usr/bin/env python3
"""Tiny, trained opus-mt-style checkpoints, and what transformers computes with them.

Run from the repository root (needs torch, transformers, sentencepiece, safetensors, numpy):

    /work/venv/bin/python Tests/Reference/make_opus_fixtures.py

It is deterministic (fixed seeds, one thread, float32) and overwrites:

    Tests/Fixtures/models/opus-en-es/           Marian as opus-mt ships it: shared vocabulary, swish,
                                                scaled embeddings, <pad> last (start token), 4 beams
    Tests/Fixtures/models/opus-en-es-separate/  the options flipped: separate source/target
                                                vocabularies (target_vocab.json), relu, no embedding
                                                scale, <pad> = 2, 6 beams
    Tests/Fixtures/models/opus-en-es-f16/       opus-en-es converted by torch to float16 (.half())
    Tests/Fixtures/models/opus-en-es-bf16/      ... and to bfloat16
    Tests/Fixtures/reference/opus-*.json        per sentence: MarianTokenizer's ids, the encoder
                                                output, first-step logits, generate() ids and texts
                                                for greedy and several beam settings
    Tests/Fixtures/reference/opus-tokenizer.json  >= 1000 sentences: MarianTokenizer ids for both
                                                vocabularies, and >= 1000 id lists with
                                                MarianTokenizer.decode(ids, skip_special_tokens=True)

Every directory is what `save_pretrained` wrote (model and tokenizer) plus generation_config.json as
opus-mt has it. Tests/Reference/README.md describes the files and what is checked.
"""
import io
import json
import os
import random
import shutil
import sys
import tempfile
import unicodedata

import numpy as np
import safetensors
import sentencepiece
import torch
import transformers
from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MODELS = os.path.join(ROOT, "Tests", "Fixtures", "models")
REFERENCE = os.path.join(ROOT, "Tests", "Fixtures", "reference")
GENERATOR = "Tests/Reference/make_opus_fixtures.py"

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)
transformers.logging.set_verbosity_error()

# --------------------------------------------------------------------------------------------
# A small English → Spanish corpus from templates (agreement, adjective order, negation, digits).
# --------------------------------------------------------------------------------------------

NOUNS = [  # english, spanish, gender, english plural, spanish plural
    ("cat", "gato", "m", "cats", "gatos"), ("dog", "perro", "m", "dogs", "perros"),
    ("bird", "pájaro", "m", "birds", "pájaros"), ("horse", "caballo", "m", "horses", "caballos"),
    ("man", "hombre", "m", "men", "hombres"), ("woman", "mujer", "f", "women", "mujeres"),
    ("child", "niño", "m", "children", "niños"), ("girl", "niña", "f", "girls", "niñas"),
    ("teacher", "profesora", "f", "teachers", "profesoras"), ("doctor", "médico", "m", "doctors", "médicos"),
    ("friend", "amigo", "m", "friends", "amigos"), ("sister", "hermana", "f", "sisters", "hermanas"),
]
OBJECTS = [
    ("apple", "manzana", "f", "apples", "manzanas"), ("book", "libro", "m", "books", "libros"),
    ("letter", "carta", "f", "letters", "cartas"), ("door", "puerta", "f", "doors", "puertas"),
    ("house", "casa", "f", "houses", "casas"), ("car", "coche", "m", "cars", "coches"),
    ("window", "ventana", "f", "windows", "ventanas"), ("key", "llave", "f", "keys", "llaves"),
    ("bread", "pan", "m", "breads", "panes"), ("coffee", "café", "m", "coffees", "cafés"),
    ("newspaper", "periódico", "m", "newspapers", "periódicos"), ("table", "mesa", "f", "tables", "mesas"),
    ("song", "canción", "f", "songs", "canciones"), ("flower", "flor", "f", "flowers", "flores"),
    ("cake", "pastel", "m", "cakes", "pasteles"), ("hat", "sombrero", "m", "hats", "sombreros"),
]
ADJECTIVES = [  # english, spanish masculine, spanish feminine
    ("big", "grande", "grande"), ("small", "pequeño", "pequeña"), ("red", "rojo", "roja"),
    ("old", "viejo", "vieja"), ("new", "nuevo", "nueva"), ("white", "blanco", "blanca"),
    ("black", "negro", "negra"), ("beautiful", "bonito", "bonita"), ("green", "verde", "verde"),
]
VERBS = [  # english 3sg, english base, spanish 3sg
    ("eats", "eat", "come"), ("sees", "see", "ve"), ("wants", "want", "quiere"), ("buys", "buy", "compra"),
    ("opens", "open", "abre"), ("finds", "find", "encuentra"), ("needs", "need", "necesita"),
    ("reads", "read", "lee"), ("writes", "write", "escribe"), ("has", "have", "tiene"),
]
TIMES = [("today", "hoy"), ("now", "ahora"), ("every day", "cada día"), ("in the morning", "por la mañana"),
         ("at night", "por la noche"), ("tomorrow", "mañana")]
PHRASES = [("let's go", "vamos"), ("good morning", "buenos días"), ("thank you", "gracias"),
           ("see you tomorrow", "hasta mañana"), ("where is the station?", "¿dónde está la estación?"),
           ("how are you?", "¿cómo estás?"), ("I am tired", "estoy cansado"), ("it is cold", "hace frío"),
           ("good night", "buenas noches"), ("very well", "muy bien")]


def noun_phrase(rng, nouns):
    en, es, g, _, _ = rng.choice(nouns)
    det = rng.choice(["the", "a", "my", "this"])
    es_det = {"the": {"m": "el", "f": "la"}, "a": {"m": "un", "f": "una"}, "my": {"m": "mi", "f": "mi"},
              "this": {"m": "este", "f": "esta"}}[det][g]
    if rng.random() < 0.35:
        a_en, a_m, a_f = rng.choice(ADJECTIVES)
        return f"{det} {a_en} {en}", f"{es_det} {es} {a_m if g == 'm' else a_f}"
    return f"{det} {en}", f"{es_det} {es}"


def sentence_pair(rng):
    r = rng.random()
    if r < 0.08:
        en, es = rng.choice(PHRASES)
    elif r < 0.2:
        s_en, s_es = noun_phrase(rng, NOUNS)
        n = rng.randint(2, 99)
        o = rng.choice(OBJECTS)
        en, es = f"{s_en} has {n} {o[3]}", f"{s_es} tiene {n} {o[4]}"
    else:
        s_en, s_es = noun_phrase(rng, NOUNS)
        o_en, o_es = noun_phrase(rng, OBJECTS)
        v3, vb, ves = rng.choice(VERBS)
        if rng.random() < 0.2:
            en, es = f"{s_en} does not {vb} {o_en}", f"{s_es} no {ves} {o_es}"
        else:
            en, es = f"{s_en} {v3} {o_en}", f"{s_es} {ves} {o_es}"
        if rng.random() < 0.3:
            t_en, t_es = rng.choice(TIMES)
            en, es = f"{en} {t_en}", f"{es} {t_es}"
    if rng.random() < 0.75:
        en, es = en[0].upper() + en[1:], es[0].upper() + es[1:] if not es.startswith("¿") else "¿" + es[1].upper() + es[2:]
        if not en.endswith("?"):
            if rng.random() < 0.2:
                en, es = en + "!", "¡" + es + "!"
            else:
                en, es = en + ".", es + "."
    return en, es


def corpus(seed, n):
    rng = random.Random(seed)
    return [sentence_pair(rng) for _ in range(n)]


# --------------------------------------------------------------------------------------------
# SentencePiece models and Marian vocabularies.
# --------------------------------------------------------------------------------------------

LANGUAGE_CODES = [">>spa<<", ">>ita<<"]


def train_spm(lines, prefix, vocab_size):
    """A unigram model with SentencePiece's defaults (nmt_nfkc normalization, <unk> <s> </s>),
    trained from memory so that no temporary path ends up in the file."""
    model = io.BytesIO()
    sentencepiece.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=model, vocab_size=vocab_size, model_type="unigram",
        character_coverage=1.0, hard_vocab_limit=False, num_threads=1, minloglevel=2,
        shuffle_input_sentence=False)
    with open(prefix + ".model", "wb") as f:
        f.write(model.getvalue())
    return prefix + ".model"


def normal_pieces(model_file):
    sp = sentencepiece.SentencePieceProcessor(model_file=model_file)
    return [sp.id_to_piece(i) for i in range(sp.get_piece_size())
            if not (sp.is_unknown(i) or sp.is_control(i) or sp.is_unused(i) or sp.is_byte(i))]


def shared_vocab(src_spm, tgt_spm):
    """As opus-mt's joint vocab.json: </s> 0, <unk> 1, the pieces of both spm models, <pad> last."""
    vocab = {"</s>": 0, "<unk>": 1}
    for p in normal_pieces(src_spm) + normal_pieces(tgt_spm) + LANGUAGE_CODES:
        vocab.setdefault(p, len(vocab))
    vocab["<pad>"] = len(vocab)
    return vocab


def separate_vocab(spm_file, extra=()):
    vocab = {"</s>": 0, "<unk>": 1, "<pad>": 2}
    for p in normal_pieces(spm_file) + list(extra):
        vocab.setdefault(p, len(vocab))
    return vocab


# --------------------------------------------------------------------------------------------
# The two checkpoints.
# --------------------------------------------------------------------------------------------

def make_tokenizer(workdir, src_spm, tgt_spm, vocab, target_vocab=None):
    with open(os.path.join(workdir, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False, indent=2)
    kwargs = {}
    if target_vocab is not None:
        with open(os.path.join(workdir, "target_vocab.json"), "w", encoding="utf-8") as f:
            json.dump(target_vocab, f, ensure_ascii=False, indent=2)
        kwargs = dict(target_vocab_file=os.path.join(workdir, "target_vocab.json"), separate_vocabs=True)
    return MarianTokenizer(src_spm, tgt_spm, os.path.join(workdir, "vocab.json"), **kwargs)


def train(model, tok, pairs, steps, seed, batch=48, lr=4e-3):
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    src = [("" if random.Random(i).random() < 0.7 else ">>spa<< ") + en for i, (en, _) in enumerate(pairs)]
    tgt = [es for _, es in pairs]
    for step in range(steps):
        idx = torch.randint(0, len(pairs), (batch,), generator=gen).tolist()
        enc = tok([src[i] for i in idx], text_target=[tgt[i] for i in idx], padding=True, return_tensors="pt")
        labels = enc["labels"].masked_fill(enc["labels"] == tok.pad_token_id, -100)
        loss = model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"], labels=labels).loss
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 100 == 0 or step == steps - 1:
            print(f"  step {step}: loss {loss.item():.3f}", file=sys.stderr)
    model.eval()
    return model


def build_model(name, workdir, pairs, src_spm, tgt_spm, *, separate, activation, scale_embedding, d_model, heads,
                ffn, layers, num_beams, steps, seed):
    os.makedirs(workdir, exist_ok=True)
    if separate:
        vocab = separate_vocab(src_spm, LANGUAGE_CODES)
        target_vocab = separate_vocab(tgt_spm)
        tok = make_tokenizer(workdir, src_spm, tgt_spm, vocab, target_vocab)
        pad = 2
    else:
        vocab = shared_vocab(src_spm, tgt_spm)
        target_vocab = None
        tok = make_tokenizer(workdir, src_spm, tgt_spm, vocab)
        pad = vocab["<pad>"]
    assert tok.pad_token_id == pad and tok.eos_token_id == 0
    config = MarianConfig(
        vocab_size=len(vocab), decoder_vocab_size=len(target_vocab or vocab),
        share_encoder_decoder_embeddings=not separate, d_model=d_model,
        encoder_layers=layers[0], decoder_layers=layers[1],
        encoder_attention_heads=heads, decoder_attention_heads=heads,
        encoder_ffn_dim=ffn, decoder_ffn_dim=ffn, activation_function=activation,
        scale_embedding=scale_embedding, max_position_embeddings=512,
        pad_token_id=pad, decoder_start_token_id=pad, eos_token_id=0, forced_eos_token_id=0,
        dropout=0.1, attention_dropout=0.0, activation_dropout=0.0)
    torch.manual_seed(seed)
    model = MarianMTModel(config)
    train(model, tok, pairs, steps, seed)
    # As opus-mt's generation_config.json: beams, max_length 512 (the start token counted),
    # <pad> never generated, an eos forced at the length limit.
    model.generation_config = GenerationConfig(
        bad_words_ids=[[pad]], bos_token_id=0, decoder_start_token_id=pad, eos_token_id=0,
        forced_eos_token_id=0, max_length=512, num_beams=num_beams, pad_token_id=pad)
    out = os.path.join(MODELS, name)
    shutil.rmtree(out, ignore_errors=True)
    model.save_pretrained(out)
    tok.save_pretrained(out)
    return out


# --------------------------------------------------------------------------------------------
# What transformers computes.
# --------------------------------------------------------------------------------------------

# generate() settings recorded per sentence; `options` are generation-config keys, which the Swift
# tests turn into `decode` flags (--beams, --length-penalty, --early-stopping, --max-length for
# max_new_tokens, --no-repeat-ngram-size). "beam" is generation_config.json as it is.
VARIANTS = [
    ("greedy", {"num_beams": 1}),
    ("beam", {}),
    ("beam5_lp2_early", {"num_beams": 5, "length_penalty": 2.0, "early_stopping": True}),
    ("beam3_lp05_never", {"num_beams": 3, "length_penalty": 0.5, "early_stopping": "never"}),
    ("beam4_lpneg_never", {"num_beams": 4, "length_penalty": -0.5, "early_stopping": "never"}),
    ("beam4_max5", {"num_beams": 4, "max_new_tokens": 5}),
    ("greedy_max3", {"num_beams": 1, "max_new_tokens": 3}),
    ("beam2_norepeat2", {"num_beams": 2, "no_repeat_ngram_size": 2}),
]


def tensor_json(t):
    """Row-major; every number the shortest text that reads back as the same float32."""
    a = t.detach().to(torch.float32).contiguous().numpy()
    return {"shape": list(a.shape), "data": [float(str(v)) for v in a.reshape(-1)]}


def generate(model, ids, options):
    out = model.generate(torch.tensor([ids]), attention_mask=torch.ones(1, len(ids), dtype=torch.long),
                         do_sample=False, return_dict_in_generate=True, output_scores=True, **options)
    seq = out.sequences[0].tolist()
    assert seq[0] == model.generation_config.decoder_start_token_id
    score = out.sequences_scores[0].item() if getattr(out, "sequences_scores", None) is not None else None
    return seq[1:], score


def reference_cases(model_dir, sentences, variants=VARIANTS):
    tok = MarianTokenizer.from_pretrained(model_dir)
    model = MarianMTModel.from_pretrained(model_dir, dtype=torch.float32).eval()
    double = MarianMTModel.from_pretrained(model_dir, dtype=torch.float64).eval()
    cases, unstable = [], 0
    inverse = {i: t for t, i in tok.encoder.items()}
    with torch.no_grad():
        for text in sentences:
            ids = tok(text)["input_ids"]
            x = torch.tensor([ids])
            enc = model.get_encoder()(input_ids=x).last_hidden_state[0]
            start = model.generation_config.decoder_start_token_id
            logits = model(input_ids=x, decoder_input_ids=torch.tensor([[start]])).logits[0, -1]
            # The source vocabulary's token for each id (convert_ids_to_tokens would use the target
            # vocabulary when the vocabularies are separate).
            source_tokens = [inverse[i] for i in ids]
            case = {"text": text, "source_tokens": source_tokens, "source_ids": ids,
                    "encoder_output": tensor_json(enc), "decoder_first_logits": tensor_json(logits),
                    "generate": {}}
            for name, options in variants:
                gen_ids, score = generate(model, ids, options)
                # Not on a knife edge: float64 weights make the same choices.
                if generate(double, ids, options)[0] != gen_ids:
                    unstable += 1
                    print(f"  unstable: {name} {text!r}", file=sys.stderr)
                entry = {"options": options, "ids": gen_ids,
                         "text": tok.decode(gen_ids, skip_special_tokens=True)}
                if score is not None and options.get("num_beams", model.generation_config.num_beams) > 1:
                    entry["score"] = score
                case["generate"][name] = entry
            cases.append(case)
    return cases, unstable


def word_salad(rng, words):
    return " ".join(rng.choice(words) for _ in range(rng.randint(2, 9)))


def disagreeing(model_dirs, seed, per_model):
    """Sentences on which greedy search and generation_config.json's beam search disagree:
    up to `per_model` for each model, from a pool of corpus-like sentences and word salads."""
    rng = random.Random(seed)
    words = sorted({w for en, _ in corpus(seed, 200) for w in en.split()})
    pool = [sentence_pair(rng)[0] if i % 2 else word_salad(rng, words) for i in range(400)]
    chosen = []
    for path in model_dirs:
        tok = MarianTokenizer.from_pretrained(path)
        model = MarianMTModel.from_pretrained(path, dtype=torch.float32).eval()
        found = 0
        with torch.no_grad():
            for text in pool:
                if found == per_model:
                    break
                ids = tok(text)["input_ids"]
                if generate(model, ids, {"num_beams": 1})[0] != generate(model, ids, {})[0]:
                    found += 1
                    if text not in chosen:
                        chosen.append(text)
    return chosen


def reference_sentences(seed, extra):
    rng = random.Random(seed)
    seen = set()
    out = []
    while len(out) < 20:
        en, _ = sentence_pair(rng)
        if en not in seen:
            seen.add(en)
            out.append(en)
    return out + extra + [
        "let's go", ">>spa<< The cat eats the apple.", ">>ita<< the dog sees a bird", "The cat eats the xylophone.",
        "Café, naïve façade — 42 % off!", "  the   dog   sees  the  bird  ", "THE WOMAN READS A BOOK.", "",
        "the the the the the the", "My friend has 17 books and the teacher buys a red car every day.",
        "the doctor </s> opens the door", "¿Dónde está la estación?",
    ]


def write_reference(name, model_dir, cases, unstable, extra=None):
    greedy_vs_beam = sum(1 for c in cases if c["generate"]["greedy"]["ids"] != c["generate"]["beam"]["ids"])
    doc = {"model": name, "generator": GENERATOR, "torch": torch.__version__,
           "transformers": transformers.__version__, "sentencepiece": sentencepiece.__version__,
           "generation_config": json.load(open(os.path.join(model_dir, "generation_config.json"))),
           "greedy_differs_from_beam": greedy_vs_beam, "cases": cases}
    if extra:
        doc.update(extra)
    path = os.path.join(REFERENCE, f"{name}.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"{name}: {len(cases)} sentences, greedy ≠ beam on {greedy_vs_beam}, "
          f"unstable under float64: {unstable}", file=sys.stderr)
    return greedy_vs_beam


# --------------------------------------------------------------------------------------------
# The tokenizer comparison: >= 1000 sentences, >= 1000 id lists.
# --------------------------------------------------------------------------------------------

ODD = ["café", "naïve", "façade", "résumé", "Ångström", "über", "niño", "São Paulo", "Zoë", "coöperate",
       "中文", "日本語", "😀", "👍🏽", "αβγ", "Привет", "مرحبا", "e\u0301", "ﬁne", "ＡＢＣ", "x²", "Ⅻ", "½",
       "\u00a0", "\u2009", "\u3000", "\u200b", "\u00ad", "\t", "  ", "   ", "\u2028", "\u0007",
       "xylophone", "qwzx", "Zzyzx", "antidisestablishmentarianism", "3.14", "1,000", "2024-05-06",
       "+34 912 345 678", "100%", "$5", "€20", "#tag", "@user", "https://example.org/a?b=c", "a@b.co",
       "don't", "it’s", "“quoted”", "«guillemets»", "(parens)", "[brackets]", "{braces}", "...", "…", "—", "–",
       "!!!", "???", "¿", "¡", ";", ":", ",", "'", '"', "/", "\\", "|", "*", "&", "<", ">", ">>", "<<",
       "</s>", "<unk>", "<pad>", "<s>", "</s></s>", "a</s>b", "<unk>x", "▁", "▁the", "__", "ŉ", "ǅ", "İ", "ß"]


def tokenizer_sentences(seed, n):
    rng = random.Random(seed)
    out = ["", " ", "  ", "\t", ">>spa<<", ">>spa<< ", ">>spa<<the cat", " >>spa<< the cat", ">>spa<<>>ita<< a",
           ">> spa << the cat", "the cat >>spa<<", ">>xyz<< the dog", ">>spa<</s> a", "</s>>>spa<< a",
           ">><<", ">>a<<<<b", "let's go", "Let's go!", "LET'S GO", "the cat</s>", "<pad><pad>",
           "ﬁ ﬂ ﬀ", "Ⅰ Ⅱ Ⅲ", "①②③", "ｔｈｅ ｃａｔ", "the\u00a0cat", "the\u2003cat", "the\u200bcat",
           "the\tcat\teats", "the  cat   eats    the     apple", " the cat ", "the cat\u3000eats"]
    words = [w for en, _ in corpus(seed + 1, 300) for w in en.split()]
    while len(out) < n:
        r = rng.random()
        if r < 0.3:
            out.append(sentence_pair(rng)[0])
        elif r < 0.45:
            out.append(sentence_pair(rng)[1])  # Spanish through the English spm: unknown pieces
        else:
            toks = [rng.choice(words) for _ in range(rng.randint(1, 12))]
            for _ in range(rng.randint(1, 4)):
                toks.insert(rng.randint(0, len(toks)), rng.choice(ODD))
            seps = [rng.choice([" ", " ", " ", "", "  ", "\t", "\u00a0"]) for _ in toks]
            s = "".join(t + sep for t, sep in zip(toks, seps))
            if rng.random() < 0.3:
                s = rng.choice(LANGUAGE_CODES + [">>spa<< ", ">>fra<< "]) + s
            if rng.random() < 0.2:
                s = " " * rng.randint(1, 3) + s
            out.append(s)
    long = " ".join(sentence_pair(rng)[0] for _ in range(25))
    out.append(long)
    return out


def id_lists(tok, seed, n, spanish):
    """Target-side id lists: Spanish sentences through the target tokenizer, then random ids."""
    rng = random.Random(seed)
    out = []
    vocab = tok.target_encoder if tok.separate_vocabs else tok.encoder
    size = max(vocab.values()) + 1
    special = [tok.eos_token_id, tok.unk_token_id, tok.pad_token_id]
    for text in spanish:
        out.append(tok(text_target=text)["input_ids"])
    while len(out) < n:
        k = rng.randint(0, 15)
        ids = [rng.randrange(size) if rng.random() < 0.85 else rng.choice(special) for _ in range(k)]
        out.append(ids)
    return out


def tokenizer_fixture(model_dirs):
    sentences = tokenizer_sentences(11, 1200)
    spanish = [es for _, es in corpus(13, 600)] + ["¿Qué?", "  hola   mundo ", "", "ñandú", "el niño ve 42 pájaros"]
    doc = {"generator": GENERATOR, "transformers": transformers.__version__,
           "sentencepiece": sentencepiece.__version__, "sentences": sentences, "models": {}}
    for name, path in model_dirs.items():
        tok = MarianTokenizer.from_pretrained(path)
        ids = [tok(s)["input_ids"] for s in sentences]
        decoded = [{"ids": l, "text": tok.decode(l, skip_special_tokens=True)}
                   for l in id_lists(tok, 17, 1100, spanish)]
        doc["models"][name] = {"ids": ids, "decode": decoded}
    with open(os.path.join(REFERENCE, "opus-tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"opus-tokenizer: {len(sentences)} sentences, {len(doc['models'][name]['decode'])} id lists per model",
          file=sys.stderr)


# --------------------------------------------------------------------------------------------


def converted(src, name, dtype):
    """`src` converted by torch to float16 / bfloat16 and saved again (the tokenizer files copied)."""
    out = os.path.join(MODELS, name)
    shutil.rmtree(out, ignore_errors=True)
    MarianMTModel.from_pretrained(src, dtype=torch.float32).to(dtype).save_pretrained(out)
    for f in ["source.spm", "target.spm", "vocab.json", "tokenizer_config.json", "generation_config.json"]:
        shutil.copy(os.path.join(src, f), os.path.join(out, f))
    with safetensors.safe_open(os.path.join(out, "model.safetensors"), "pt") as f:
        dtypes = {f.get_slice(k).get_dtype() for k in f.keys()}
    assert dtypes == {"F16" if dtype == torch.float16 else "BF16"}, dtypes
    return out


def main():
    os.makedirs(REFERENCE, exist_ok=True)
    pairs = corpus(1, 6000)
    work = tempfile.mkdtemp(prefix="vamos-opus-")
    try:
        # One pair of SentencePiece models (English source.spm, Spanish target.spm) for both checkpoints.
        src_spm = train_spm([en for en, _ in pairs], os.path.join(work, "source"), 150)
        tgt_spm = train_spm([es for _, es in pairs], os.path.join(work, "target"), 170)
        shared = build_model("opus-en-es", os.path.join(work, "shared"), pairs, src_spm, tgt_spm, separate=False,
                             activation="swish", scale_embedding=True, d_model=32, heads=4, ffn=64,
                             layers=(2, 2), num_beams=4, steps=700, seed=3)
        separate = build_model("opus-en-es-separate", os.path.join(work, "separate"), pairs, src_spm, tgt_spm,
                               separate=True,
                               activation="relu", scale_embedding=False, d_model=24, heads=4, ffn=48,
                               layers=(2, 2), num_beams=6, steps=700, seed=4)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    sentences = reference_sentences(99, disagreeing([shared, separate], 7, 6))
    for name, path in [("opus-en-es", shared), ("opus-en-es-separate", separate)]:
        cases, unstable = reference_cases(path, sentences)
        write_reference(name, path, cases, unstable)
    few = sentences[:4] + sentences[20:22] + sentences[-8:-4]
    for name, dtype in [("opus-en-es-f16", torch.float16), ("opus-en-es-bf16", torch.bfloat16)]:
        path = converted(shared, name, dtype)
        cases, unstable = reference_cases(path, few, [v for v in VARIANTS if v[0] in ("greedy", "beam")])
        write_reference(name, path, cases, unstable)
    tokenizer_fixture({"opus-en-es": shared, "opus-en-es-separate": separate})
    for name in ["opus-en-es", "opus-en-es-separate", "opus-en-es-f16", "opus-en-es-bf16"]:
        d = os.path.join(MODELS, name)
        print(f"{name}: " + ", ".join(f"{f} {os.path.getsize(os.path.join(d, f))}" for f in sorted(os.listdir(d))),
              file=sys.stderr)


if __name__ == "__main__":
    main()
