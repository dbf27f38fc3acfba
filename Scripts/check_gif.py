"""Opens a GIF written by `deep play … --gif` with Pillow, as an image viewer would, and prints what it holds.

    pip install pillow && python3 Scripts/check_gif.py out.gif [--save-frame K frame.png]

Exits 1 when the file does not decode; prints the size, the number of frames, the loop count, the frame
duration and how many distinct colors the first and last frames use."""
import argparse
import sys

from PIL import Image, ImageSequence

parser = argparse.ArgumentParser()
parser.add_argument("gif")
parser.add_argument("--save-frame", nargs=2, metavar=("K", "PNG"))
args = parser.parse_args()
try:
    image = Image.open(args.gif)
    frames = [frame.convert("RGB") for frame in ImageSequence.Iterator(image)]
except Exception as error:  # noqa: BLE001 - any decoding failure is the answer
    print(f"{args.gif}: does not decode: {error}")
    sys.exit(1)
print(f"{args.gif}: {image.format} {image.size[0]}x{image.size[1]}, {len(frames)} frames, "
      f"loop={image.info.get('loop')}, duration={image.info.get('duration')} ms, "
      f"colors in first/last frame: {len(frames[0].getcolors(1 << 16))}/{len(frames[-1].getcolors(1 << 16))}")
if args.save_frame:
    k, path = int(args.save_frame[0]), args.save_frame[1]
    frames[k].save(path)
    print(f"frame {k} saved to {path}")
