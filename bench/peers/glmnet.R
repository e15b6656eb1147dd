# Peer: R glmnet (gaussian, alpha = 1, standardize = FALSE) for the lasso-path and
# lasso-default-path cases.
# Usage: Rscript bench/peers/glmnet.R TASK.json OUT.json
# Reads the task written by bench/run.js: the lagged design x (rows) and the response y of one
# equation of a VAR(4), and the λ grid. Timed region: the glmnet() call only.
#   lasso-path          glmnet(x, y, standardize = FALSE, lambda = grid): the same 100 λ values as
#                       ardiff's lassoPath, with glmnet's default thresh = 1e-7 (ms) and, timed the
#                       same way in a second loop, thresh = 1e-16 (msTight, near-exact solutions).
#   lasso-default-path  glmnet(x, y, standardize = FALSE): glmnet's own λ sequence and early stop.
# Written after the loops: intercepts and coefficients (λ-major), λ values, deviance ratios.
suppressPackageStartupMessages({
  library(jsonlite)
  library(glmnet)
})

args <- commandArgs(trailingOnly = TRUE)
task <- fromJSON(args[1], simplifyVector = TRUE)
now_ms <- function() as.numeric(Sys.time()) * 1000
l <- task$lasso
x <- as.matrix(l$x)
storage.mode(x) <- "double"
y <- as.numeric(l$y)
grid <- as.numeric(l$lambda)
out <- list(
  peer = "r-glmnet",
  version = paste0("glmnet ", as.character(packageVersion("glmnet")), ", ", R.version.string),
  cases = list()
)
cases <- unlist(task$cases)

timed <- function(one) {
  for (i in seq_len(l$warmup)) one()
  samples <- numeric(l$reps)
  for (i in seq_len(l$reps)) {
    t0 <- now_ms()
    fit <- one()
    samples[i] <- now_ms() - t0
  }
  list(fit = fit, samples = samples)
}
path <- function(fit) {
  list(lambda = as.numeric(fit$lambda), intercept = as.numeric(fit$a0),
    coef = unname(lapply(seq_along(fit$lambda), function(m) as.numeric(fit$beta[, m]))),
    devRatio = as.numeric(fit$dev.ratio), npasses = fit$npasses)
}

if ("lasso-path" %in% cases) {
  a <- timed(function() glmnet(x, y, family = "gaussian", alpha = 1, standardize = FALSE, lambda = grid))
  b <- timed(function() glmnet(x, y, family = "gaussian", alpha = 1, standardize = FALSE, lambda = grid, thresh = 1e-16, maxit = 1e7))
  out$cases[["lasso-path"]] <- c(list(ms = median(a$samples), samples = a$samples, msTight = median(b$samples),
    samplesTight = b$samples, tight = path(b$fit)), path(a$fit))
}

if ("lasso-default-path" %in% cases) {
  a <- timed(function() glmnet(x, y, family = "gaussian", alpha = 1, standardize = FALSE))
  out$cases[["lasso-default-path"]] <- c(list(ms = median(a$samples), samples = a$samples), path(a$fit))
}

writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, na = "null"), args[2])
