# Peer of bench/garch.js: R fGarch::garchFit (its defaults: init.rec = "mci", algorithm = "nlminb",
# hessian = "ropt") and tseries::garch on the series of the task, each fit repeated `reps` times
# after `warmup` untimed fits. Usage: Rscript bench/peers/fgarch.R TASK.json OUT.json
# Timed: the fit call only (fGarch's includes its Hessian and standard errors; tseries' its OPG
# covariance); start-up, package loading and JSON parsing are outside the timed region.
suppressPackageStartupMessages({
  library(jsonlite)
  library(fGarch)
  library(tseries)
})
args <- commandArgs(trailingOnly = TRUE)
task <- fromJSON(args[1], simplifyVector = FALSE)
now_ms <- function() as.numeric(Sys.time()) * 1000
out <- list(
  peer = "r-fgarch",
  version = sprintf("fGarch %s, tseries %s, %s", packageVersion("fGarch"), packageVersion("tseries"), R.version.string),
  cases = list()
)
for (case in task$cases) {
  x <- as.numeric(unlist(case$x))
  if (case$engine == "fgarch") {
    form <- as.formula(case$formula)
    run <- function() garchFit(form, data = x, cond.dist = case$dist, include.mean = case$includeMean, trace = FALSE)
  } else {
    run <- function() garch(x, order = c(1, 1), trace = FALSE)
  }
  for (i in seq_len(task$warmup)) fit <- run()
  ms <- numeric(task$reps)
  for (i in seq_len(task$reps)) {
    t0 <- now_ms()
    fit <- run()
    ms[i] <- now_ms() - t0
  }
  if (case$engine == "fgarch") {
    res <- list(name = case$name, ms = ms, coef = unname(coef(fit)), se = unname(fit@fit$se.coef), llf = -fit@fit$value)
  } else {
    res <- list(name = case$name, ms = ms, coef = unname(coef(fit)), se = unname(sqrt(diag(fit$vcov))), llf = as.numeric(logLik(fit)))
  }
  out$cases[[length(out$cases) + 1]] <- res
}
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA), args[2])
