# Peer of bench/batch.js: forecast::auto.arima + forecast(h = 12) on every series of a long CSV
# (id, t, v), non-seasonal, with parallel::mclapply over `cores` processes.
# Usage: Rscript bench/peers/batch.R SERIES.csv CORES
# Prints one JSON line {"seconds", "ok", "failed", "version"}: seconds of the mclapply call only
# (R start-up, package loading and reading the file are outside the timed region).
suppressPackageStartupMessages({
  library(forecast)
  library(parallel)
})
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], colClasses = c("character", "integer", "numeric"))
cores <- as.integer(args[2])
series <- split(d$v, factor(d$id, levels = unique(d$id)))
t0 <- Sys.time()
res <- mclapply(series, function(y) {
  tryCatch({ f <- forecast(auto.arima(ts(y, frequency = 1)), h = 12); f$mean[1] }, error = function(e) NA_real_)
}, mc.cores = cores)
secs <- as.numeric(difftime(Sys.time(), t0, units = "secs"))
ok <- sum(!is.na(unlist(res)))
cat(sprintf('{"seconds": %.3f, "ok": %d, "failed": %d, "version": "forecast %s, %s"}\n', secs, ok, length(res) - ok,
  as.character(packageVersion("forecast")), R.version.string))
