"""The two terms of the inception score of a mnist-dcgan generator checkpoint (the pre-spectral-norm G layout is the
same), with our bundled classifier: IS = exp(H(y) - E[H(y|x)]), the class histogram, and with a second argument T
the same for z truncated to |z| <= T.  python3 Scripts/gan/is_decomposition.py runs/mnist-dcgan/latest/generator.safetensors
"""
import os
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
import json,struct,sys,torch,numpy as np, torch.nn as nn, torch.nn.functional as F
def load(f):
    b=open(f,'rb').read(); n=struct.unpack('<Q',b[:8])[0]; h=json.loads(b[8:8+n]); out={}
    for k,v in h.items():
        if k=='__metadata__': continue
        s,e=v['data_offsets']; a=np.frombuffer(b[8+n+s:8+n+e],dtype=np.float32).reshape(v['shape'])
        out[k]=torch.tensor(a.copy())
    return out
clf=nn.Sequential(nn.Conv2d(1,16,5,padding=2),nn.ReLU(),nn.MaxPool2d(2),nn.Conv2d(16,32,5),nn.ReLU(),nn.MaxPool2d(2),nn.Flatten(),nn.Linear(800,128),nn.ReLU(),nn.Dropout(0.3),nn.Linear(128,10))
clf.load_state_dict(load(os.path.join(ROOT, 'Data', 'mnist-classifier', 'mnist-cnn.safetensors'))); clf.eval()
class G(nn.Module):
    def __init__(s):
        super().__init__(); s.fc=nn.Linear(100,6272,bias=False); s.bn0=nn.BatchNorm1d(6272); s.up1=nn.ConvTranspose2d(128,64,4,2,1,bias=False); s.bn1=nn.BatchNorm2d(64); s.up2=nn.ConvTranspose2d(64,1,4,2,1)
    def forward(s,z): return torch.tanh(s.up2(F.relu(s.bn1(s.up1(F.relu(s.bn0(s.fc(z))).view(-1,128,7,7))))))
g=G(); sd=load(sys.argv[1]); sd={k:(v.long() if 'num_batches' in k else v) for k,v in sd.items()}; g.load_state_dict(sd); g.eval()
trunc=float(sys.argv[2]) if len(sys.argv)>2 else 0
with torch.no_grad():
    torch.manual_seed(1)
    z=torch.randn(10000,100)
    if trunc>0:
        while True:
            m=z.abs()>trunc
            if not m.any(): break
            z[m]=torch.randn(int(m.sum()))
    x=(g(z)+1)/2
    p=F.softmax(clf((x-0.1307)/0.3081),1)
py=p.mean(0); Hy=-(py*py.log()).sum(); Hyx=-(p*p.clamp_min(1e-12).log()).sum(1).mean()
print('IS',float(torch.exp(Hy-Hyx)),'H(y)',float(Hy),'E H(y|x)',float(Hyx),'maxp>0.9 frac',float((p.max(1).values>0.9).float().mean()))
print('class hist',np.round(py.numpy(),3))
