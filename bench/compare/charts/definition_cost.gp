# Loading, validating and compiling a definition: cost per step against its size (run.sh).
set terminal svg size 760,420 dynamic font 'sans,12' background '#ffffff'
set output out
set title 'Load, validate and compile: cost per step against definition size'
set xlabel 'steps in the definition'
set ylabel 'microseconds per step'
set logscale x
set format x '%.0s%c'
set yrange [0:*]
set grid
set key off
plot 'definition.dat' using 1:($2/1000) with linespoints lw 2 pt 7 lc rgb '#2f6f9f'
