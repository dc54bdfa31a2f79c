"""The data builder: texts written for the project, rendered photo-like images, TTS speech, manifests.

`python -m mmdemo.data build` writes data/{train,val,test}/manifest.jsonl (+ images/, audio/) from a seed.
"""
