// RUN: polytile-opt %s --split-input-file --verify-diagnostics --func-profile-calls

// expected-error@+1 {{no function body named 'polytile_entry' to profile}}
module {
  func.func @main() {
    return
  }
}

// -----

// expected-error@+1 {{'@rtclock' exists but is not a function of type () -> f64}}
func.func private @rtclock() -> f32
func.func @polytile_entry() {
  return
}

// -----

// expected-error@+1 {{symbol '@polytile_profile_counts' already exists (is the module already profiled?)}}
memref.global "private" @polytile_profile_counts : memref<1xi64> = dense<0>
func.func @polytile_entry() {
  return
}
