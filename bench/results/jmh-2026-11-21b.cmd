./slabkv bench 'store\..*Benchmark\.(getHit|getMiss|putOverwrite)(2T)?$' -p entries=1000000 -f 1 -wi 2 -w 1s -i 3 -r 2s -prof gc -rf json -rff bench/results/jmh-2026-11-21b.json
