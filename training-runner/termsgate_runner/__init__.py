"""termsgate distillation runner."""
