"""mmdemo: a multimodal customer-service assistant (text, one image, one voice message) with fused models.

Layout, one module per concept:
  schema      the label space (intents, image kinds, tones, rules)
  encoders    pretrained text/image encoders, audio features and the trainable audio encoder
  alignment   projections to one width, modality-type and position embeddings
  attention   scaled dot-product, multi-head attention, FFN, Transformer layers (the formulas as written)
  fusion      the fusion registry: early, late, cross_attention, attention
  model       MultimodalModel = aligner + fusion + heads; save_pretrained / from_pretrained
  configs     the named model configurations, apart from the factory that builds them
  media       decoding and validating images and audio (bad input -> InputError)
  asr         speech recognisers (faster-whisper tiny.en by default), swappable
  features    frozen-encoder feature extraction and the on-disk feature cache
  data        the data builder (texts, rendered images, TTS speech, manifests)
  train       the accelerate training loop
  calibration temperature scaling and expected calibration error
  evaluate    the evaluator (runs the app's own pipeline on a manifest)
  inference   Pipeline.predict(): the one entry point used by the app, evaluator and benchmark
  bench       the latency / memory benchmark
  explain     attention maps, rollout and gradient-weighted relevancy
  dialogue    the support agent: knowledge base, slots, follow-ups, hand-off
  ocr         reading order numbers, amounts and dates from images
  ui          the Gradio app
"""
__version__ = "0.1.0"
