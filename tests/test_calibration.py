import numpy as np
import torch

from mmdemo.calibration import expected_calibration_error, fit_temperature


def test_temperature_undoes_overconfidence():
    g = torch.Generator().manual_seed(0)
    labels = torch.randint(0, 5, (2000,), generator=g)
    true_logits = torch.randn(2000, 5, generator=g)
    true_logits[torch.arange(2000), labels] += 1.5
    # With unit Gaussian noise and a margin of 1.5 on the true class, the Bayes posterior is softmax(1.5 x);
    # logits scaled by 4 are over-confident, and the calibrated temperature is 4 / 1.5 = 2.67.
    sharp = true_logits * 4.0
    t = fit_temperature(sharp, labels)
    assert 2.3 < t < 3.1
    ece_before = expected_calibration_error(torch.softmax(sharp, -1).numpy(), labels.numpy())
    ece_after = expected_calibration_error(torch.softmax(sharp / t, -1).numpy(), labels.numpy())
    assert ece_after < ece_before / 2


def test_ece_of_a_perfectly_calibrated_predictor_is_small():
    rng = np.random.default_rng(0)
    conf = rng.uniform(0.5, 1.0, 20000)
    correct = rng.uniform(size=20000) < conf
    probs = np.stack([conf, 1 - conf], axis=1)
    labels = np.where(correct, 0, 1)
    assert expected_calibration_error(probs, labels) < 0.02
