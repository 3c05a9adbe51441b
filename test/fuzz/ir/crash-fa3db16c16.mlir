// FUZZ: polytile-opt --tg-canonicalize=max-iterations=1 %s
// FUZZ-FOUND: crash: SIGABRT: Type::getIntOrFloatBitWidth: Assertion `isIntOrFloat()' (array<index> in the parser)
"tg.transpose"() {perm = array<index: 1, 0>} : () -> ()
