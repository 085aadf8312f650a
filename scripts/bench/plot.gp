# plot.gp: the latency distributions of `make bench` as a PNG, one panel per operation, one line per
# runtime: the empirical CDF (fraction of the samples at or below each time), so that median, tail
# and spread read off at once. The time axis is logarithmic: the floor, crun and runc lie a
# factor apart, and a few slow outliers on a busy machine would squash a linear one.
# bench.sh calls it with, set by -e:
#   out       the PNG to write;        heading  the title over the panels;
#   dir       where the data files are: dir/cdf-OP-RUNTIME, lines "ms fraction";
#   ops       the operations, e.g. "run exec create start delete";
#   rts_OP    for each OP, the runtimes that have samples for it, e.g. rts_run="berth runc crun floor".
set terminal pngcairo size 1500,900 font ",10"
set output out
set multiplot layout 2,3 title heading
set grid
set key bottom right
set xlabel "wall time (ms, log scale)"
set logscale x
set xtics (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
set ylabel "fraction of samples <="
set yrange [0:1]
do for [op in ops] {
	set title op
	rts = value("rts_".op)
	plot for [rt in rts] sprintf("%s/cdf-%s-%s", dir, op, rt) using 1:2 with steps lw 2 title rt
}
unset multiplot
