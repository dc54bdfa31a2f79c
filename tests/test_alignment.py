"""ModalityAligner: one width, type + position embeddings, masks carried through, padding zeroed."""
import torch

from mmdemo.alignment import TYPE_IDS, AlignedTokens, ModalityAligner
from mmdemo.configs import tiny_config


def inputs(b=2, lt=5, la=4):
    g = torch.Generator().manual_seed(0)
    text_mask = torch.tensor([[1, 1, 1, 0, 0], [0, 0, 0, 0, 0]], dtype=torch.bool)[:b, :lt]
    return (torch.randn(b, lt, 384, generator=g), text_mask, torch.randn(b, 49, 1280, generator=g),
            torch.tensor([True, False])[:b], torch.randn(b, la, 32, generator=g),
            torch.tensor([[1, 1, 0, 0], [1, 1, 1, 1]], dtype=torch.bool)[:b, :la])


def test_shapes_and_masks():
    cfg = tiny_config()
    out = ModalityAligner(cfg).eval()(*inputs())
    assert isinstance(out, AlignedTokens)
    d = cfg.d_model
    assert out.cls.shape == (2, 1, d) and out.text.shape == (2, 5, d)
    assert out.image.shape == (2, 49, d) and out.audio.shape == (2, 4, d)
    assert out.image_mask.shape == (2, 49) and out.image_mask.dtype == torch.bool
    assert out.image_mask[0].all() and not out.image_mask[1].any()       # [B] present -> [B, 49]
    assert out.present("text").tolist() == [True, False] and out.present("audio").tolist() == [True, True]
    for m in ("text", "image", "audio"):
        x, mask = getattr(out, m), getattr(out, f"{m}_mask")
        assert (x[~mask] == 0).all() and (x[mask].abs().sum(-1) > 0).all()


def test_type_and_position_embeddings():
    cfg = tiny_config()
    aligner = ModalityAligner(cfg).eval()
    text, tm, image, im, audio, am = inputs()
    out = aligner(text, tm, image, im, audio, am)
    torch.testing.assert_close(out.cls[0, 0], aligner.type_embed.weight[TYPE_IDS["cls"]])
    expected = aligner.text_proj(text) + aligner.type_embed.weight[TYPE_IDS["text"]] + aligner.text_pos.weight[:5]
    torch.testing.assert_close(out.text[0, :3], expected[0, :3])
    # 2-D image positions: token r*7+c carries row r + column c
    pos = aligner.image_positions()
    torch.testing.assert_close(pos[3 * 7 + 4], aligner.image_row.weight[3] + aligner.image_col.weight[4])
    base = aligner.image_proj(image) + aligner.type_embed.weight[TYPE_IDS["image"]]
    torch.testing.assert_close(out.image[0], base[0] + pos)
    # same features at different grid cells differ only by position
    same = image.clone()
    same[0, :] = image[0, :1]
    out2 = aligner(text, tm, same, im, audio, am)
    torch.testing.assert_close(out2.image[0, 8] - out2.image[0, 0], pos[8] - pos[0], atol=1e-5, rtol=1e-5)


def test_text_truncated_to_max_len():
    cfg = tiny_config(max_text_len=3)
    text, tm, *rest = inputs()
    out = ModalityAligner(cfg)(text, tm, *rest)
    assert out.text.shape[1] == 3 and out.text_mask.shape[1] == 3


def test_the_kind_readout_tags_every_cell_of_a_photo_with_the_same_reading():
    cfg = tiny_config(image_kind_readout=True)
    aligner = ModalityAligner(cfg).eval()
    g = torch.Generator().manual_seed(1)
    weight, bias = torch.randn(6, 1280, generator=g) * 0.01, torch.randn(6, generator=g)
    aligner.set_kind_readout(weight, bias)
    text, tm, image, im, audio, am = inputs()
    out = aligner(text, tm, image, im, audio, am)
    # by hand: log-softmax of the linear readout of the mean patch token, embedded, added to every cell
    reading = torch.log_softmax(image.mean(1) @ weight.T + bias, -1)
    tag = aligner.kind_embed(reading)
    base = aligner.image_proj(image) + aligner.type_embed.weight[TYPE_IDS["image"]] + aligner.image_positions()
    torch.testing.assert_close(out.image[0], base[0] + tag[0], atol=1e-5, rtol=1e-5)
    assert (out.image[1] == 0).all()                       # no photo: still all zeros
    # the readout is a buffer: saved with the weights, never handed to an optimiser
    assert "kind_readout_weight" in aligner.state_dict()
    assert all("kind_readout" not in n for n, _ in aligner.named_parameters())
    assert "kind_readout_weight" not in ModalityAligner(tiny_config()).state_dict()   # off by default
