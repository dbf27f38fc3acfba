"""What a Python user would run instead of `deep train cartpole-ppo` / `cartpole-dqn`: Stable-Baselines3 with the
RL Zoo's tuned CartPole-v1 settings, on one thread, timed the same way as our cases (training only), then the
greedy (deterministic) policy evaluated over 100 episodes with fresh seeds.

    pip install stable-baselines3 gymnasium
    python3 Benchmarks/reference/sb3_cartpole.py [ppo|dqn|all] [--seeds 0 1 2 3 4]

Prints one line per run: `sb3 <algo> seed=S train_s=T eval_mean=M eval_std=D`."""
import argparse
import time

import gymnasium as gym
import numpy as np
import torch
from stable_baselines3 import DQN, PPO
from stable_baselines3.common.env_util import make_vec_env


def linear(initial):
    return lambda progress_remaining: progress_remaining * initial


def make(algo, seed):
    if algo == "ppo":  # rl-zoo3 hyperparams/ppo.yml, CartPole-v1
        env = make_vec_env("CartPole-v1", n_envs=8, seed=seed)
        return PPO("MlpPolicy", env, n_steps=32, batch_size=256, gae_lambda=0.8, gamma=0.98, n_epochs=20, ent_coef=0.0,
                   learning_rate=linear(0.001), clip_range=linear(0.2), seed=seed, device="cpu", verbose=0), 100_000
    # rl-zoo3 hyperparams/dqn.yml, CartPole-v1
    env = gym.make("CartPole-v1")
    return DQN("MlpPolicy", env, learning_rate=2.3e-3, batch_size=64, buffer_size=100_000, learning_starts=1000, gamma=0.99,
               target_update_interval=10, train_freq=256, gradient_steps=128, exploration_fraction=0.16,
               exploration_final_eps=0.04, policy_kwargs=dict(net_arch=[256, 256]), seed=seed, device="cpu", verbose=0), 50_000


def evaluate(model, episodes=100, seed=1_000_000):
    env = gym.make("CartPole-v1")
    returns = []
    for k in range(episodes):
        obs, _ = env.reset(seed=seed + k)
        done, total = False, 0.0
        while not done:
            action, _ = model.predict(obs, deterministic=True)
            obs, r, term, trunc, _ = env.step(int(action))
            total += r
            done = term or trunc
        returns.append(total)
    return float(np.mean(returns)), float(np.std(returns))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("algo", nargs="?", default="all", choices=["ppo", "dqn", "all"])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    args = parser.parse_args()
    torch.set_num_threads(1)
    for algo in (["ppo", "dqn"] if args.algo == "all" else [args.algo]):
        for seed in args.seeds:
            model, steps = make(algo, seed)
            start = time.perf_counter()
            model.learn(total_timesteps=steps)
            seconds = time.perf_counter() - start
            mean, std = evaluate(model)
            print(f"sb3 {algo} seed={seed} train_s={seconds:.1f} eval_mean={mean:.1f} eval_std={std:.1f}", flush=True)
