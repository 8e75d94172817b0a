# The order process in each engine: instances per second, on a log scale (run.sh).
set terminal svg size 760,420 dynamic font 'sans,12' background '#ffffff'
set output out
set title 'The same order process in four engines (instances per second, more is better)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set logscale y
set format y '%.0s%c'
set yrange [10:*]
set grid ytics
set key top right
set xtics nomirror
plot 'peers.dat' using 2:xtic(1) title 'nine automated steps' lc rgb '#2f6f9f', \
     '' using 3 title 'with a human step: persist, restore, finish' lc rgb '#d08a2e'
