"""Writes the recurrent probe fixtures with PyTorch (Debian python3-torch 1.13, /usr/bin/python3).

For each cell (lstm, gru, rnn): a 2-layer nn.LSTM / nn.GRU / nn.RNN(tanh) with batch_first=True,
m = 3 inputs, n = 5 hidden, its state_dict under the prefix "seq." in <cell>_state.npz (float32,
PyTorch's names), and in <cell>_expected.npz: an input x [B, T, m], an upstream gradient dh_T
[B, n] of the top layer, and, computed in float64 by unrolling the same weights step by step
(nn.LSTMCell / GRUCell / RNNCell) with retain_grad on every state, the Frobenius norms over the
batch of dL/dh_t (hidden [L, T+1], t = 0 .. T) and for the LSTM of dL/dc_t (cell [L, T],
t = 0 .. T-1), for L = <dh_T, upstream>, h_0 = c_0 = 0. Deterministic (seeded); run from this
directory:  /usr/bin/python3 make_recurrent_fixtures.py
"""
import numpy as np
import torch

B, T, M, N, LAYERS = 2, 7, 3, 5, 2
MODULES = {"lstm": (torch.nn.LSTM, torch.nn.LSTMCell), "gru": (torch.nn.GRU, torch.nn.GRUCell),
           "rnn": (torch.nn.RNN, torch.nn.RNNCell)}

for seed, (name, (Seq, Cell)) in enumerate(MODULES.items()):
    torch.manual_seed(100 + seed)
    seq = Seq(M, N, num_layers=LAYERS, batch_first=True)
    state = {"seq." + k: v.detach().numpy().astype(np.float32) for k, v in seq.state_dict().items()}
    np.savez(f"{name}_state.npz", **state)

    # Rounded to float32 first: the references use exactly the inputs the probe reads.
    x = torch.randn(B, T, M, dtype=torch.float64).float().double()
    up = torch.randn(B, N, dtype=torch.float64)
    up = (up / up.norm()).float().double()
    seq64 = seq.double()
    inputs = [x[:, t] for t in range(T)]
    hs, cs = [], []
    for k in range(LAYERS):
        cell = Cell(M if k == 0 else N, N).double()
        with torch.no_grad():
            for p in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                getattr(cell, p).copy_(getattr(seq64, f"{p}_l{k}"))
        h = torch.zeros(B, N, dtype=torch.float64, requires_grad=True)
        c = torch.zeros(B, N, dtype=torch.float64, requires_grad=True)
        hk, ck = [h], [c]
        for t in range(T):
            if name == "lstm":
                h, c = cell(inputs[t], (h, c))
                c.retain_grad()
                ck.append(c)
            else:
                h = cell(inputs[t], h)
            h.retain_grad()
            hk.append(h)
        hs.append(hk)
        cs.append(ck)
        inputs = hk[1:]
    out, _ = seq64(x)
    assert torch.allclose(out[:, -1], hs[-1][-1], atol=1e-12), "unrolled cells match the module"
    (hs[-1][-1] * up).sum().backward()
    hidden = np.array([[hk[t].grad.norm().item() for t in range(T + 1)] for hk in hs])
    expected = {"x": x.numpy().astype(np.float32), "upstream": up.numpy().astype(np.float32),
                "hidden": hidden}
    if name == "lstm":
        expected["cell"] = np.array([[ck[t].grad.norm().item() for t in range(T)] for ck in cs])
    np.savez(f"{name}_expected.npz", **expected)
    print(name, "hidden", hidden[0, :3], "...")
