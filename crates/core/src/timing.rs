pub static T: [std::sync::atomic::AtomicU64; 16] = [const { std::sync::atomic::AtomicU64::new(0) }; 16];
pub struct Tm(usize, std::time::Instant);
impl Tm { pub fn new(i: usize) -> Self { Tm(i, std::time::Instant::now()) } }
impl Drop for Tm { fn drop(&mut self) { T[self.0].fetch_add(self.1.elapsed().as_nanos() as u64, std::sync::atomic::Ordering::Relaxed); } }
pub fn report() { for (i, t) in T.iter().enumerate() { let v = t.load(std::sync::atomic::Ordering::Relaxed); if v > 0 { eprintln!("T{i}: {:.3} s", v as f64 / 1e9); } } }
