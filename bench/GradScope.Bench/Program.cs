// Replaced by the benchmark switcher when the kernel benchmarks land.
return 0;
