# Peer: R spatialreg lagsarlm / errorsarlm (method = "eigen") for the sar-boston and sem-boston cases.
# Usage: Rscript bench/peers/spatialreg.R TASK.json OUT.json
# Reads the task written by bench/run.js: y, the regressor columns (already transformed, so both
# sides fit exactly the same numbers) and the neighbour edge list (1-based ids, both directions).
# The neighbour list (an spdep `nb` object) is built from the edges outside the timed region; each
# timed call is nb2listw(nb, style = "W") + lagsarlm/errorsarlm(y ~ ., method = "eigen"), so the
# eigenvalues of W are computed in every call (ardiff's side builds its weights, and so its
# eigen-decomposition, in every call too). Written after the loop: rho/lambda, logLik, beta, their
# asymptotic standard errors, sigma^2.
suppressPackageStartupMessages({
  library(jsonlite)
  library(spdep)
  library(spatialreg)
})

args <- commandArgs(trailingOnly = TRUE)
task <- fromJSON(args[1], simplifyVector = TRUE)
now_ms <- function() as.numeric(Sys.time()) * 1000
s <- task$spatial
n <- s$n
df <- data.frame(y = as.numeric(s$y))
for (nm in s$names) df[[nm]] <- as.numeric(s$columns[[nm]])
from <- as.integer(s$edges$from)
to <- as.integer(s$edges$to)
nb <- lapply(seq_len(n), function(i) sort(to[from == i]))
attr(nb, "region.id") <- as.character(seq_len(n))
class(nb) <- "nb"
nb <- spdep::make.sym.nb(nb) # no-op for a symmetric list; sets the "sym" attribute
out <- list(
  peer = "r-spatialreg",
  version = paste0("spatialreg ", as.character(packageVersion("spatialreg")), ", spdep ",
    as.character(packageVersion("spdep")), ", ", R.version.string),
  cases = list()
)
cases <- unlist(task$cases)

run <- function(fitfun) {
  one <- function() fitfun(y ~ ., data = df, listw = nb2listw(nb, style = "W"), method = "eigen", quiet = TRUE)
  for (i in seq_len(s$warmup)) one()
  samples <- numeric(s$reps)
  for (i in seq_len(s$reps)) {
    t0 <- now_ms()
    fit <- one()
    samples[i] <- now_ms() - t0
  }
  list(fit = fit, samples = samples)
}

if ("sar-boston" %in% cases) {
  r <- run(lagsarlm)
  f <- r$fit
  out$cases[["sar-boston"]] <- list(ms = median(r$samples), samples = r$samples, spatial = unname(f$rho),
    spatialSe = unname(f$rho.se), logLik = as.numeric(logLik(f)), coef = unname(f$coefficients),
    se = unname(f$rest.se), sigma2 = unname(f$s2), names = names(f$coefficients))
}

if ("sem-boston" %in% cases) {
  r <- run(errorsarlm)
  f <- r$fit
  out$cases[["sem-boston"]] <- list(ms = median(r$samples), samples = r$samples, spatial = unname(f$lambda),
    spatialSe = unname(f$lambda.se), logLik = as.numeric(logLik(f)), coef = unname(f$coefficients),
    se = unname(f$rest.se), sigma2 = unname(f$s2), names = names(f$coefficients))
}

writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, na = "null"), args[2])
