# Synthesises text with libespeak-ng (Debian espeak-ng) and prints the WAV it wrote plus espeak-ng's own word start
# times (its WORD events): the reference bench/align.js measures the aligner against. Usage: VOICE TEXT OUT.wav [WPM]
import ctypes, sys, wave, json
lib = ctypes.CDLL('libespeak-ng.so.1')
class EVENT(ctypes.Structure):
    _fields_ = [('type', ctypes.c_int), ('unique_identifier', ctypes.c_uint), ('text_position', ctypes.c_int), ('length', ctypes.c_int),
                ('audio_position', ctypes.c_int), ('sample', ctypes.c_int), ('user_data', ctypes.c_void_p), ('id', ctypes.c_void_p)]
CB = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(EVENT))
rate = lib.espeak_Initialize(2, 500, None, 0)
voice, text, out = sys.argv[1], sys.argv[2], sys.argv[3]
wpm = int(sys.argv[4]) if len(sys.argv) > 4 else 175
lib.espeak_SetVoiceByName(voice.encode())
lib.espeak_SetParameter(1, wpm, 0)
samples = []; words = []
def cb(wav, n, ev):
    if n > 0: samples.extend(wav[:n])
    i = 0
    while ev[i].type != 0:
        e = ev[i]
        if e.type == 1: words.append({'pos': e.text_position, 'len': e.length, 'start': e.audio_position / 1000.0, 'sample': e.sample})
        i += 1
    return 0
cbf = CB(cb); lib.espeak_SetSynthCallback(cbf)
b = text.encode('utf-8')
lib.espeak_Synth(b, len(b) + 1, 0, 1, 0, 0, None, None); lib.espeak_Synchronize()
with wave.open(out, 'wb') as w:
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(rate)
    w.writeframes(b''.join(int(s).to_bytes(2, 'little', signed=True) for s in samples))
for wd in words: wd['text'] = b[wd['pos'] - 1: wd['pos'] - 1 + wd['len']].decode('utf-8', 'replace')
print(json.dumps({'rate': rate, 'seconds': len(samples) / rate, 'words': words}))
