// hsdis for HotSpot's PrintAssembly: decodes x86-64 with capstone (see build).
#include <stdint.h>
#include <stdio.h>
#include <capstone/capstone.h>

typedef void* (*event_cb)(void*, const char*, void*);
typedef int (*printf_cb)(void*, const char*, ...);

void* decode_instructions_virtual(uintptr_t start_va, uintptr_t end_va,
                                  unsigned char* buffer, uintptr_t length,
                                  event_cb event, void* event_stream,
                                  printf_cb out, void* out_stream,
                                  const char* options, int newline) {
    csh handle;
    if (cs_open(CS_ARCH_X86, CS_MODE_64, &handle) != CS_ERR_OK) return 0;
    cs_insn* insn = cs_malloc(handle);
    const uint8_t* code = buffer;
    size_t size = length;
    uint64_t address = start_va;
    while (address < end_va && size > 0) {
        uint64_t here = address;
        if (!cs_disasm_iter(handle, &code, &size, &address, insn)) {
            break;
        }
        if (event) event(event_stream, "insn", (void*)(uintptr_t)here);
        out(out_stream, "%s\t%s", insn->mnemonic, insn->op_str);
        if (event) event(event_stream, "/insn", (void*)(uintptr_t)address);
        if (newline) out(out_stream, "\n");
    }
    cs_free(insn, 1);
    cs_close(&handle);
    return (void*)(uintptr_t)address;
}
