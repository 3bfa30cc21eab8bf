"""Image analysis behind the Compare page and the Compression Lab. Pure functions on bytes and
numpy arrays, no Streamlit; callers cache (see memo.py). Decisions and measurements:
docs/analysis.md.

decoding   bytes → RGB, AnalysisInputError for every bad input
alignment  two images on one pixel grid, with a note saying what was resized
metrics    PSNR, SSIM (luma, full resolution), MAD, max diff, per-cell grid (PairMetrics)
hotspots   where a difference sits, in words
heatmap    amplified |A−B| picture at preview size, with its scale
crops      pixel-peeper crops (NEAREST zoom, lossless), region mapping and presets
breakdown  bytes of one file: pixel data, metadata, container, trailing
reencode   fixed-setting encoders and the like-for-like re-encode of two images
explain    "why is one bigger?" sentences
knee       knee of a curve (max distance to chord)
sampling   tile-sampled SSIM/PSNR for the sweep
sweep      the Compression Lab job
memo       pair_key and a thread-safe LRU memo
scenes     synthetic photo-like test scenes

Imports only domain/: bytes and arrays in, facts out.
"""
