# An automated step in memory: cost against the number of instances living beside it (run.sh).
set terminal svg size 760,420 dynamic font 'sans,12' background '#ffffff'
set output out
set title 'An automated step: cost against instances waiting in the same engine'
set xlabel 'instances waiting at a checklist'
set ylabel 'nanoseconds per step'
set logscale x
set format x '%.0s%c'
set xrange [0.5:*]
set yrange [0:*]
set grid
set key off
# 0 live instances is drawn at 1, where a log scale can show it.
plot 'live.dat' using ($1 < 1 ? 1 : $1):2 with linespoints lw 2 pt 7 lc rgb '#2f6f9f'
