// FUZZ: polytile-opt --sched-verify %s
// FUZZ-FOUND: traceback: TypeError: Can't cast unknown element type DenseArrayAttr (array<ui8>) in sched._read_attribute
%k = "sched.kernel"() {name = "x"} : () -> !sched.handle
"sched.tile"(%k) {sizes = array<ui8: 1>} : (!sched.handle) -> ()
