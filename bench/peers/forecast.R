# Peer: R forecast (Hyndman), Arima() with method = "ML" and auto.arima(), each followed by forecast().
# Usage: Rscript bench/peers/forecast.R TASK.json OUT.json
# Reads the task written by bench/run.js and writes timings (ms, wall clock of the fit+forecast
# loop only: start-up, package loading and JSON parsing are outside the timed region) and the
# log-likelihoods of the fits: `llf` as R reports it, and `llfExact`, R's estimates plugged into the
# exact likelihood of the differenced series (stats::arima on the differenced data, coefficients
# fixed; computed after the timed loop). R's ML likelihood of an integrated model puts an
# approximate diffuse prior (kappa = 1e6) on the differencing states, which shifts its loglik by
# up to ~1e-2 from the exact differenced-data value that ardiff reports; llfExact compares the
# optima on the same function.
suppressPackageStartupMessages({
  library(jsonlite)
  library(forecast)
})

args <- commandArgs(trailingOnly = TRUE)
task <- fromJSON(args[1], simplifyVector = FALSE)
now_ms <- function() as.numeric(Sys.time()) * 1000
num <- function(x) as.numeric(unlist(x))
series <- lapply(task$series, function(s) list(name = s$name, period = s$period, values = num(s$values)))
out <- list(
  peer = "r-forecast",
  version = paste0("forecast ", as.character(packageVersion("forecast")), ", ", R.version.string),
  cases = list()
)
cases <- unlist(task$cases)

if ("airline" %in% cases) {
  a <- task$airline
  y <- ts(num(a$y), frequency = a$period)
  one <- function() {
    fit <- Arima(y, order = num(a$order), seasonal = list(order = num(a$seasonal), period = a$period), method = "ML")
    fc <- forecast(fit, h = a$h)
    fit
  }
  for (i in seq_len(a$warmup)) one()
  samples <- numeric(a$reps)
  for (i in seq_len(a$reps)) {
    t0 <- now_ms()
    fit <- one()
    samples[i] <- now_ms() - t0
  }
  w <- diff(diff(y, lag = a$period, differences = num(a$seasonal)[2]), differences = num(a$order)[2])
  ex <- stats::arima(w, order = c(num(a$order)[1], 0, num(a$order)[3]),
    seasonal = list(order = c(num(a$seasonal)[1], 0, num(a$seasonal)[3]), period = a$period),
    include.mean = FALSE, fixed = coef(fit), transform.pars = FALSE, method = "ML")
  out$cases$airline <- list(ms = median(samples), samples = samples, llf = fit$loglik, llfExact = ex$loglik)
}

if ("arima111-x200" %in% cases) {
  b <- task$arima111
  one <- function(v) {
    tryCatch(suppressWarnings({
      fit <- Arima(ts(v), order = num(b$order), method = "ML")
      fc <- forecast(fit, h = b$h)
      fit
    }), error = function(e) NULL)
  }
  for (i in seq_len(b$warmup)) one(series[[i]]$values)
  totals <- numeric(b$reps)
  fits <- vector("list", length(series))
  for (r in seq_len(b$reps)) {
    t0 <- now_ms()
    for (i in seq_along(series)) fits[i] <- list(one(series[[i]]$values))
    totals[r] <- now_ms() - t0
  }
  o <- num(b$order)
  llf <- sapply(fits, function(f) if (is.null(f)) NA_real_ else f$loglik)
  llfExact <- sapply(seq_along(fits), function(i) {
    f <- fits[[i]]
    if (is.null(f)) return(NA_real_)
    tryCatch(stats::arima(diff(series[[i]]$values, differences = o[2]), order = c(o[1], 0, o[3]), include.mean = FALSE,
      fixed = coef(f), transform.pars = FALSE, method = "ML")$loglik, error = function(e) NA_real_)
  })
  out$cases[["arima111-x200"]] <- list(ms = median(totals), samples = totals, llf = llf, llfExact = llfExact, failed = sum(is.na(llf)))
}

if ("auto-x200" %in% cases) {
  b <- task$auto
  one <- function(s) {
    tryCatch(suppressWarnings({
      fit <- auto.arima(ts(s$values, frequency = s$period))
      fc <- forecast(fit, h = b$h)
      TRUE
    }), error = function(e) FALSE)
  }
  for (i in seq_len(b$warmup)) one(series[[i]])
  totals <- numeric(b$reps)
  ok <- logical(length(series))
  for (r in seq_len(b$reps)) {
    t0 <- now_ms()
    for (i in seq_along(series)) ok[i] <- one(series[[i]])
    totals[r] <- now_ms() - t0
  }
  out$cases[["auto-x200"]] <- list(ms = median(totals), samples = totals, failed = sum(!ok))
}

writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, na = "null"), args[2])
