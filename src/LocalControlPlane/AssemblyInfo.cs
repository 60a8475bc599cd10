using System.Runtime.Versioning;

// etcd and kube-apiserver are built for Linux by hack/control-plane.sh; so is everything here.
[assembly: SupportedOSPlatform("linux")]
