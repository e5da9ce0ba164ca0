// Node flags of the gateway, for every script that starts it (the start command, the benchmark,
// the container). A young generation of 2 x 32 MB instead of V8's 2 x 16 MB: at the benchmark's
// peak it made fewer scavenges and spent less time in minor GC, for ~32 MB more memory. V8 reads
// it at start-up only (v8.setFlagsFromString comes too late).
export const API_NODE_FLAGS = ["--max-semi-space-size=32"];
