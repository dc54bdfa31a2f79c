"""Every input limit of the assistant, set in one place (the README quotes these numbers)."""

MAX_UPLOAD_MB = 20                 # any single uploaded file (image or audio)
MAX_TEXT_CHARS = 2000              # longer messages are refused with a message (the model reads 40 word pieces)
MAX_AUDIO_SECONDS = 30.0           # voice messages longer than this are refused with a message
MIN_AUDIO_SECONDS = 0.3            # shorter clips hold no words
MIN_IMAGE_SIDE = 16                # pixels; smaller images hold nothing to see
MAX_IMAGE_PIXELS = 80_000_000      # 80 MP: a 50 MP phone photo passes, a 20000x20000 decompression bomb does not
WORKING_IMAGE_SIDE = 1024          # images are decoded/reduced to at most this long side (OCR reads this size)
MODEL_IMAGE_SIDE = 448             # the model path decodes at most this long side (the encoder sees 320 px):
                                   # JPEG draft decoding at 1/2-1/8 scale makes a 12 MP photo cost ~15 ms
SILENCE_RMS = 1e-3                 # below this RMS (float [-1, 1]) a recording counts as silence
