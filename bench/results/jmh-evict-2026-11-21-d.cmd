./slabkv bench 'evict\..*' -f 1 -wi 2 -w 1s -i 3 -r 2s -prof gc -rf json -rff bench/results/jmh-evict-2026-11-21-d.json   # at 2d72351, 23:07-23:14, quiet machine
