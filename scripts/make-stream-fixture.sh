#!/usr/bin/env bash
# Makes the committed test stream in fixtures/stream/: six seconds of a test pattern with a tone,
# as HLS with a master playlist (stream.m3u8) and two variants (180p, 360p) of three 2-second
# MPEG-TS segments each. Needs Debian's ffmpeg; run it only to change the fixture.
set -euo pipefail
cd "$(dirname "$0")/.."
out=fixtures/stream
rm -rf "$out" && mkdir -p "$out"
cd "$out"
ffmpeg -hide_banner -loglevel error -y \
  -f lavfi -i "testsrc2=size=640x360:rate=25" \
  -f lavfi -i "sine=frequency=440:sample_rate=48000" \
  -t 6 \
  -filter_complex "[0:v]split=2[a][b];[a]scale=320:180[v0];[b]scale=640:360[v1];[1:a]asplit=2[a0][a1]" \
  -map "[v0]" -map "[a0]" -map "[v1]" -map "[a1]" \
  -c:v libx264 -preset veryfast -profile:v main -pix_fmt yuv420p \
  -g 50 -keyint_min 50 -sc_threshold 0 \
  -b:v:0 120k -maxrate:v:0 140k -bufsize:v:0 240k \
  -b:v:1 300k -maxrate:v:1 340k -bufsize:v:1 600k \
  -c:a aac -b:a 48k -ac 1 \
  -flags +cgop -fflags +bitexact -map_metadata -1 \
  -f hls -hls_time 2 -hls_playlist_type vod \
  -hls_segment_filename "%v/seg%d.ts" \
  -master_pl_name stream.m3u8 \
  -var_stream_map "v:0,a:0,name:180p v:1,a:1,name:360p" \
  "%v/index.m3u8"
du -sh . && find . -type f | sort
