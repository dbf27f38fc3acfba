/// Plays `episodes` episodes (episode k reset with seed `seed + k`) with actions from `policy`, rendering a
/// frame at the start and after every `frameEvery`-th step, and returns the frames and each episode's return.
/// For `deep play`, which writes the frames as PNG files or an animated GIF.
public func recordEpisodes<E: Environment>(_ environment: E, episodes: Int, seed: UInt64, frameEvery: Int = 1,
                                           policy: ([Float]) -> E.Action) -> (frames: [RGBImage], returns: [Double]) {
    if frameEvery < 1 { environmentFailure("recordEpisodes: frameEvery must be at least 1, got \(frameEvery)") }
    var env = environment, frames: [RGBImage] = [], returns: [Double] = []
    for k in 0..<episodes {
        var observation = env.reset(seed: seed &+ UInt64(k)), total = 0.0, step = 0
        frames.append(env.render())
        while true {
            let t = env.step(policy(observation))
            total += t.reward
            step += 1
            observation = t.observation
            if step % frameEvery == 0 || t.done { frames.append(env.render()) }
            if t.done { break }
        }
        returns.append(total)
    }
    return (frames, returns)
}
