./slabkv bench 'store\..*Benchmark\.getHit$' -p entries=1000000 -bm sample -tu ns -f 1 -wi 2 -w 1s -i 3 -r 2s -rf json -rff bench/results/jmh-sample-2026-11-21.json
