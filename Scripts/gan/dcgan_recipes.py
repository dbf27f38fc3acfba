"""Recipe exploration for mnist-dcgan in PyTorch (one thread), scored with the bundled MNIST classifier.

The case's G and D (D's width, batch norm, dropout, a third convolution, spectral norm via --sn), its data and Adam
settings; --loss bce|hinge, --ema DECAY (G's weights averaged, batch-norm statistics recomputed before scoring),
--cat K (InfoGAN's K-way categorical code in z and a Q head on D). Prints IS = exp(H(y) - E[H(y|x)]) of 10,000
samples after each epoch with both terms. Used for the recipe table in the GAN page; e.g.
  python3 Scripts/gan/dcgan_recipes.py --name sn --epochs 6 --d3 --sn --loss hinge --dbn 0 --lrg 2e-4 --lrd 2e-4
"""
import os
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
import sys, time, json, struct, copy, argparse, numpy as np, torch, torch.nn as nn, torch.nn.functional as F
p = argparse.ArgumentParser()
p.add_argument('--name'); p.add_argument('--epochs', type=int, default=4); p.add_argument('--batch', type=int, default=32)
p.add_argument('--lrg', type=float, default=4e-4); p.add_argument('--lrd', type=float, default=1e-4)
p.add_argument('--b1', type=float, default=0.5); p.add_argument('--b2', type=float, default=0.999)
p.add_argument('--loss', default='bce'); p.add_argument('--sn', action='store_true'); p.add_argument('--dbn', type=int, default=1)
p.add_argument('--dw', type=int, default=32); p.add_argument('--gw', type=int, default=128)
p.add_argument('--ema', type=float, default=0); p.add_argument('--cat', type=int, default=0); p.add_argument('--infow', type=float, default=1.0)
p.add_argument('--d3', action='store_true'); p.add_argument('--ddrop', type=float, default=0); p.add_argument('--dfc', type=int, default=0); p.add_argument('--dsteps', type=int, default=1)
p.add_argument('--decay', action='store_true'); p.add_argument('--topk', type=float, default=0)
a = p.parse_args()
torch.set_num_threads(1); torch.manual_seed(0)
def load(f):
    b=open(f,'rb').read(); n=struct.unpack('<Q',b[:8])[0]; h=json.loads(b[8:8+n]); out={}
    for k,v in h.items():
        if k=='__metadata__': continue
        s,e=v['data_offsets']; out[k]=torch.tensor(np.frombuffer(b[8+n+s:8+n+e],dtype=np.float32).reshape(v['shape']).copy())
    return out
import gzip
def idx(f):
    b=gzip.open(f).read(); return np.frombuffer(b[16:],dtype=np.uint8).reshape(-1,1,28,28)
import glob
X = torch.tensor(idx(glob.glob(os.path.join(ROOT, 'Data', 'mnist', 'train-images*'))[0]).astype(np.float32)/255*2-1)
clf=nn.Sequential(nn.Conv2d(1,16,5,padding=2),nn.ReLU(),nn.MaxPool2d(2),nn.Conv2d(16,32,5),nn.ReLU(),nn.MaxPool2d(2),nn.Flatten(),nn.Linear(800,128),nn.ReLU(),nn.Dropout(0.3),nn.Linear(128,10))
clf.load_state_dict(load(os.path.join(ROOT, 'Data', 'mnist-classifier', 'mnist-cnn.safetensors'))); clf.eval()
Z = 100
class G(nn.Module):
    def __init__(s, w):
        super().__init__(); s.w=w; s.fc=nn.Linear(Z,w*49,bias=False); s.bn0=nn.BatchNorm1d(w*49); s.up1=nn.ConvTranspose2d(w,w//2,4,2,1,bias=False); s.bn1=nn.BatchNorm2d(w//2); s.up2=nn.ConvTranspose2d(w//2,1,4,2,1)
    def forward(s,z): return torch.tanh(s.up2(F.relu(s.bn1(s.up1(F.relu(s.bn0(s.fc(z))).view(-1,s.w,7,7))))))
SN = nn.utils.spectral_norm if a.sn else (lambda m: m)
class D(nn.Module):
    def __init__(s, w):
        super().__init__()
        s.c1=SN(nn.Conv2d(1,w,4,2,1)); s.c2=SN(nn.Conv2d(w,2*w,4,2,1,bias=not a.dbn)); s.bn=nn.BatchNorm2d(2*w) if a.dbn else nn.Identity()
        s.c3=SN(nn.Conv2d(2*w,4*w,3,2,1)) if a.d3 else None
        feat = 4*w*16 if a.d3 else 2*w*49
        s.hid=SN(nn.Linear(feat,a.dfc)) if a.dfc else None; feat = a.dfc or feat
        s.fc=SN(nn.Linear(feat,1)); s.q=nn.Linear(feat,a.cat) if a.cat else None
    def forward(s,x):
        h=F.dropout(F.leaky_relu(s.c1(x),0.2),a.ddrop,s.training); h=F.dropout(F.leaky_relu(s.bn(s.c2(h)),0.2),a.ddrop,s.training)
        if s.c3 is not None: h=F.leaky_relu(s.c3(h),0.2)
        h=h.flatten(1)
        if s.hid is not None: h=F.leaky_relu(s.hid(h),0.2)
        return s.fc(h), (s.q(h) if s.q is not None else None)
def init(m):
    for n,p in m.named_parameters():
        if n.endswith('bias'): nn.init.zeros_(p)
        elif p.dim()==1: nn.init.normal_(p,1,0.02)
        else: nn.init.normal_(p,0,0.02)
g=G(a.gw); d=D(a.dw); init(g); init(d)
oG=torch.optim.Adam(list(g.parameters()),lr=a.lrg,betas=(a.b1,a.b2)); oD=torch.optim.Adam(d.parameters(),lr=a.lrd,betas=(a.b1,a.b2))
if a.cat: oG.add_param_group({'params': d.q.parameters()})
gema = copy.deepcopy(g) if a.ema else None
def noise(n, gen=None):
    z=torch.randn(n,Z,generator=gen)
    if a.cat:
        c=torch.randint(0,a.cat,(n,),generator=gen); z[:,:a.cat]=F.one_hot(c,a.cat).float(); return z,c
    return z,None
def score(model):
    gen=torch.Generator().manual_seed(123); model.eval()
    with torch.no_grad():
        if gema is not None and model is gema:  # recalibrate BN running stats for EMA weights
            model.train()
            for m in model.modules():
                if isinstance(m, nn.modules.batchnorm._BatchNorm): m.reset_running_stats(); m.momentum=None
            for _ in range(50): model(noise(256)[0])
            model.eval()
        z,_=noise(10000,gen); x=(model(z)+1)/2; pr=F.softmax(clf((x-0.1307)/0.3081),1)
    model.train()
    py=pr.mean(0); Hy=-(py*py.log()).sum(); Hyx=-(pr*pr.clamp_min(1e-12).log()).sum(1).mean()
    return float(torch.exp(Hy-Hyx)), float(Hy), float(Hyx)
t0=time.time(); n=X.shape[0]; steps=a.epochs*(n//a.batch); step=0
for ep in range(1,a.epochs+1):
    perm=torch.randperm(n)
    for i in range(0,n-a.batch+1,a.batch):
        if a.decay:  # linear decay of both rates to 0 over the run
            for o,lr0 in ((oG,a.lrg),(oD,a.lrd)):
                for grp in o.param_groups: grp['lr']=lr0*(1-step/steps)
        step+=1
        real=X[perm[i:i+a.batch]]; b=real.shape[0]
        z,c=noise(b); fake=g(z)
        for _ in range(a.dsteps):
            lr_,_=d(real); lf,_=d(fake.detach())
            if a.loss=='hinge': lD=F.relu(1-lr_).mean()+F.relu(1+lf).mean()
            else: lD=F.binary_cross_entropy_with_logits(lr_,torch.ones_like(lr_))+F.binary_cross_entropy_with_logits(lf,torch.zeros_like(lf))
            oD.zero_grad(); lD.backward(); oD.step()
        out,q=d(fake)
        if a.topk:  # Sinha et al. 2020: G learns from the k samples D rates highest, k from the batch down to topk of it
            k=max(int(b*max(a.topk, 0.99**(ep-1))),1); out=out.topk(k,0).values
        lG = -out.mean() if a.loss=='hinge' else F.binary_cross_entropy_with_logits(out,torch.ones_like(out))
        if a.cat: lG = lG + a.infow*F.cross_entropy(q,c)
        oG.zero_grad(); lG.backward(); oG.step()
        if gema is not None:
            with torch.no_grad():
                for pe,pp in zip(gema.parameters(),g.parameters()): pe.lerp_(pp,1-a.ema)
    s=score(g); msg=f'{a.name} ep {ep} IS {s[0]:.3f} Hy {s[1]:.3f} Hyx {s[2]:.3f} t {time.time()-t0:.0f}'
    if gema is not None: s2=score(gema); msg+=f' | EMA IS {s2[0]:.3f} Hyx {s2[2]:.3f}'
    print(msg, flush=True)
